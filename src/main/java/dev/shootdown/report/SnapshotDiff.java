package dev.shootdown.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What changed between two pictures of the same named state (PTEs, TLB entries, variables), in the order of the newer one. */
record SnapshotDiff(List<String> added, List<String> changed, List<String> removed) {

    static SnapshotDiff of(Map<String, String> before, Map<String, String> after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                added.add(e.getKey());
            } else if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (String k : before.keySet()) {
            if (!after.containsKey(k)) {
                removed.add(k);
            }
        }
        return new SnapshotDiff(added, changed, removed);
    }

    boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    /** True when {@code key} is new or has a new value. */
    boolean touched(String key) {
        return added.contains(key) || changed.contains(key);
    }
}
