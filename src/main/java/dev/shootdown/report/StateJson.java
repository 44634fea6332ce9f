package dev.shootdown.report;

import dev.shootdown.model.Snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot's parts as the nested object of the {@code check --json} contract: a path
 * {@code SECTION.KEY} goes to {@code state[SECTION][KEY]}, {@code cpus[N].FIELD} to
 * {@code state.cpus[N][FIELD]} and {@code cpus[N].SECTION.KEY} to {@code state.cpus[N][SECTION][KEY]};
 * a key may hold dots of its own ({@code gup_fast.pmd}). Values are the parts' words, lists as
 * arrays. The sections the contract promises are there even when empty.
 */
final class StateJson {
    /** Sections of the whole machine that are always present. */
    private static final List<String> SECTIONS = List.of("vars", "ptes", "pmds", "mm_cpumask", "frames");
    /** Sections of each CPU that are always present. */
    private static final List<String> CPU_SECTIONS = List.of("tlb", "pwc", "locals", "vars");

    private StateJson() {}

    static Map<String, Object> of(Snapshot snap) {
        Map<String, Object> state = new LinkedHashMap<>();
        List<Map<String, Object>> cpus = new ArrayList<>();
        for (int c = 0; c < snap.cpus().size(); c++) {
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("cpu", c);
            for (String s : CPU_SECTIONS) {
                cpu.put(s, new LinkedHashMap<String, Object>());
            }
            cpus.add(cpu);
        }
        state.put("cpus", cpus);
        for (String s : SECTIONS) {
            state.put(s, new LinkedHashMap<String, Object>());
        }
        for (Snapshot.Part p : snap.parts()) {
            String path = p.path();
            Map<String, Object> into = state;
            if (path.startsWith("cpus[")) {
                int close = path.indexOf(']');
                into = cpus.get(Integer.parseInt(path.substring(5, close)));
                path = path.substring(close + 2);
            }
            put(into, path, p.items() != null ? p.items() : p.value());
        }
        return state;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> into, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            into.put(path, value);
            return;
        }
        Object section = into.computeIfAbsent(path.substring(0, dot), k -> new LinkedHashMap<String, Object>());
        ((Map<String, Object>) section).put(path.substring(dot + 1), value);
    }

    /** A path as text shows it: {@code cpus[1].pwc.t0} as {@code cpu1.pwc.t0}. */
    static String shown(String path) {
        return path.startsWith("cpus[") ? "cpu" + path.substring(5, path.indexOf(']')) + path.substring(path.indexOf(']') + 1) : path;
    }
}
