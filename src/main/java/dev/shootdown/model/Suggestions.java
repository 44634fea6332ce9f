package dev.shootdown.model;

import java.util.Collection;

/** The hints an unknown name's error ends with: the names declared of its kind, or the nearest known name. */
final class Suggestions {
    private Suggestions() {}

    /** " (declared address spaces: A, B)", or " (none declared)". */
    static String known(String what, Collection<String> names) {
        return names.isEmpty() ? " (none declared)" : " (declared " + what + ": " + String.join(", ", names) + ")";
    }

    /** The nearest of {@code candidates} to {@code n} within edit distance 2 (ties: the first), as ": did you mean 'x'?", or "". */
    static String nearest(String n, Iterable<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String w : candidates) {
            int d = distance(w, n);
            if (d < bestDistance) {
                best = w;
                bestDistance = d;
            }
        }
        return best == null ? "" : ": did you mean '" + best + "'?";
    }

    /** Levenshtein distance over code points (a letter outside the BMP is one), capped: anything beyond 2 counts as far. */
    private static int distance(String as, String bs) {
        int[] a = as.codePoints().toArray();
        int[] b = bs.codePoints().toArray();
        if (Math.abs(a.length - b.length) > 2) {
            return 3;
        }
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }
}
