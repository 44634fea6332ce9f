package dev.shootdown.sim;

import dev.shootdown.lang.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a workload snippet: {@code {{name}}} is replaced by a parameter, and the lines between
 * {@code {{repeat i FROM TO}}} and {@code {{end}}} are repeated for i = FROM..TO (numbers or
 * parameter names; repeats nest), so a workload can give each CPU its own page and program.
 */
final class WorkloadTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern REPEAT = Pattern.compile("\\s*\\{\\{\\s*repeat\\s+([a-zA-Z_]\\w*)\\s+(\\w+)\\s+(\\w+)\\s*}}\\s*");
    private static final Pattern END = Pattern.compile("\\s*\\{\\{\\s*end\\s*}}\\s*");

    private WorkloadTemplate() {}

    static String render(String name, String text, Map<String, String> params) {
        return render(name, text.lines().toList(), 0, params);
    }

    /** Renders {@code lines} (line 1 of them is line {@code first + 1} of the snippet); a repeat's lines are rendered the same way, so repeats nest. */
    private static String render(String name, List<String> lines, int first, Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = REPEAT.matcher(lines.get(i));
            if (!m.matches()) {
                if (END.matcher(lines.get(i)).matches()) {
                    throw new UserError(name + ":" + (first + i + 1) + ": {{end}} without {{repeat}}");
                }
                out.append(substitute(name, first + i + 1, lines.get(i), params)).append('\n');
                continue;
            }
            int close = i + 1;
            for (int depth = 0; close < lines.size(); close++) {
                if (REPEAT.matcher(lines.get(close)).matches()) {
                    depth++;
                } else if (END.matcher(lines.get(close)).matches() && depth-- == 0) {
                    break;
                }
            }
            if (close == lines.size()) {
                throw new UserError(name + ":" + (first + i + 1) + ": {{repeat}} without {{end}}");
            }
            int from = bound(name, first + i + 1, m.group(2), params);
            int to = bound(name, first + i + 1, m.group(3), params);
            for (int v = from; v <= to; v++) {
                Map<String, String> inner = new java.util.HashMap<>(params);
                inner.put(m.group(1), Integer.toString(v));
                out.append(render(name, lines.subList(i + 1, close), first + i + 1, inner));
            }
            i = close;
        }
        return out.toString();
    }

    private static int bound(String name, int line, String word, Map<String, String> params) {
        String v = word.chars().allMatch(Character::isDigit) ? word : params.get(word);
        if (v == null) {
            throw new UserError(name + ":" + line + ": unknown parameter '" + word + "' in {{repeat}}");
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError(name + ":" + line + ": parameter '" + word + "' is '" + v + "', not a number");
        }
    }

    private static String substitute(String name, int line, String text, Map<String, String> params) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = params.get(m.group(1));
            if (v == null) {
                throw new UserError(name + ":" + line + ": unknown parameter {{" + m.group(1) + "}} (known: " + String.join(", ", new java.util.TreeSet<>(params.keySet())) + ")");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
