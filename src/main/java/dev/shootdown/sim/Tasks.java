package dev.shootdown.sim;

import dev.shootdown.lang.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks a scheduled workload declares, one {@code task} line each in its snippet (taken out of
 * the text before it is parsed as the language):
 *
 * <pre>
 * task NAME body N user MM PAGE on CPU [asleep] [wakes OTHER]
 * task NAME body N kernel on CPU [asleep] [wakes OTHER]
 * </pre>
 *
 * A user task is a thread of address space MM (PAGE is the page its body works on, {@code sim_page});
 * a kernel task (kswapd, a kworker) has no mm of its own and borrows the one loaded before it. Each
 * starts on CPU's run queue, or asleep; writing {@code sim_wake} while running it wakes OTHER.
 */
record Tasks(List<Task> list) {
    static final Tasks NONE = new Tasks(List.of());

    static final int KERNEL = 1;
    static final int USER = 2;

    record Task(String name, int body, int kind, String mm, String page, int cpu, boolean asleep, String wakes) {}

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** Takes the {@code task} lines out of a rendered snippet (blank lines keep the rest's line numbers) and reads them. */
    static Tasks extract(String name, StringBuilder text) {
        List<Task> tasks = new ArrayList<>();
        String[] lines = text.toString().split("\n", -1);
        StringBuilder rest = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("task ")) {
                tasks.add(parse(name, i + 1, line));
                rest.append('\n');
            } else {
                rest.append(lines[i]).append(i + 1 < lines.length ? "\n" : "");
            }
        }
        text.setLength(0);
        text.append(rest);
        check(name, tasks);
        return tasks.isEmpty() ? NONE : new Tasks(List.copyOf(tasks));
    }

    private static Task parse(String file, int line, String text) {
        String[] w = text.split("\\s+");
        String where = file + ":" + line + ": ";
        String usage = "expected 'task NAME body N user MM PAGE on CPU [asleep] [wakes NAME]' or 'task NAME body N kernel on CPU [asleep] [wakes NAME]'";
        try {
            int i = 1;
            String name = w[i++];
            expect(w[i++], "body", where, usage);
            int body = Integer.parseInt(w[i++]);
            String kindWord = w[i++];
            int kind;
            String mm = null;
            String page = null;
            if (kindWord.equals("user")) {
                kind = USER;
                mm = w[i++];
                page = w[i++];
            } else if (kindWord.equals("kernel")) {
                kind = KERNEL;
            } else {
                throw new UserError(where + usage + ", not '" + kindWord + "'");
            }
            expect(w[i++], "on", where, usage);
            int cpu = Integer.parseInt(w[i++]);
            boolean asleep = false;
            String wakes = null;
            while (i < w.length) {
                if (w[i].equals("asleep")) {
                    asleep = true;
                    i++;
                } else if (w[i].equals("wakes") && i + 1 < w.length) {
                    wakes = w[i + 1];
                    i += 2;
                } else {
                    throw new UserError(where + usage + ", not '" + w[i] + "'");
                }
            }
            if (body < 1) {
                throw new UserError(where + "a task's body is 1 or more (0 is the idle task's)");
            }
            return new Task(name, body, kind, mm, page, cpu, asleep, wakes);
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new UserError(where + usage);
        }
    }

    private static void expect(String word, String wanted, String where, String usage) {
        if (!word.equals(wanted)) {
            throw new UserError(where + usage + ", not '" + word + "'");
        }
    }

    private static void check(String file, List<Task> tasks) {
        Map<String, Task> byName = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (byName.put(t.name(), t) != null) {
                throw new UserError(file + ": task '" + t.name() + "' is declared twice");
            }
        }
        for (Task t : tasks) {
            if (t.wakes() != null && !byName.containsKey(t.wakes())) {
                throw new UserError(file + ": task '" + t.name() + "' wakes '" + t.wakes() + "', which is not a task");
            }
        }
    }
}
