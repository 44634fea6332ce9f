package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.model.Action;
import dev.shootdown.model.FrameState;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Pte;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code check --json} state of each counterexample step against a replay of its own: the test
 * runs the steps again on a fresh machine (each one found among the enabled actions by its CPU,
 * statement and narration) and reads the state words itself, so the JSON's PTEs, PMDs, cpumasks,
 * frames, TLBs, walk caches, CR3s, interrupt flags, store buffers and pending IPIs must be those of
 * the replayed state, and "changed" must name exactly what differs from the step before.
 */
class CheckJsonStateTest {

    static java.util.stream.Stream<String> models() {
        return java.util.stream.Stream.concat(dev.shootdown.check.Catalog.builtIn().stream().map(dev.shootdown.check.Catalog.Entry::file),
                java.util.stream.Stream.of("src/test/resources/timelines/tso-lazy-store-buffering.sd", "src/test/resources/timelines/table-free-cached-pmd.sd"));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("models")
    @DisplayName("the JSON state at each step is the replayed machine's, and 'changed' is what differs from the step before (every catalog counterexample)")
    @SuppressWarnings("unchecked")
    void stateAgreesWithAReplay(String file) throws Exception {
        CheckedModel checked = CheckedModel.text(file, Files.readString(Path.of(file)));
        Counterexample cx = checked.cx();
        org.junit.jupiter.api.Assumptions.assumeTrue(cx != null, file + " holds: no steps to check");
        Program program = checked.result().program();
        Map<String, Object> json = CheckReport.json(file, checked.result(), cx);
        List<Map<String, Object>> steps = (List<Map<String, Object>>) json.get("counterexample");
        assertThat(steps).hasSameSizeAs(cx.steps());

        Machine m = Machine.unreduced(program);
        Layout l = m.layout();
        int[] s = m.initialState();
        agrees(program, m, s, (Map<String, Object>) json.get("initial_state"));
        Map<String, Object> before = flat((Map<String, Object>) json.get("initial_state"));
        int[] actions = new int[m.maxActions()];
        for (Map<String, Object> step : steps) {
            int cpu = (Integer) step.get("cpu");
            int n = m.enabled(s, actions);
            int[] next = null;
            for (int i = 0; i < n && next == null; i++) {
                if (Action.cpu(actions[i]) != cpu || !m.label(s, actions[i]).equals(step.get("action"))) {
                    continue;
                }
                int[] t = s.clone();
                List<String> said = new ArrayList<>();
                m.apply(t, actions[i], said::add);
                if (String.join("; ", said).equals(step.get("note"))) {
                    next = t;
                }
            }
            assertThat(next).as("%s: step %s replays", file, step.get("step")).isNotNull();
            s = next;
            Map<String, Object> state = (Map<String, Object>) step.get("state");
            agrees(program, m, s, state);
            Map<String, Object> now = flat(state);
            TreeSet<String> differ = new TreeSet<>();
            for (String k : union(before, now)) {
                if (!Objects.equals(before.get(k), now.get(k))) {
                    differ.add(k);
                }
            }
            assertThat(new TreeSet<>((List<String>) step.get("changed"))).as("%s: step %s changed", file, step.get("step")).isEqualTo(differ);
            before = now;
        }
        assertThat(l.size).isPositive();
    }

    /** The JSON state against the words of {@code s}, read here without the machine's views. */
    @SuppressWarnings("unchecked")
    private static void agrees(Program p, Machine m, int[] s, Map<String, Object> state) {
        Layout l = m.layout();
        List<String> frames = p.frameNames();
        Map<String, Object> ptes = (Map<String, Object>) state.get("ptes");
        for (int i = 0; i < p.pages(); i++) {
            assertThat(ptes.get(p.pageNames().get(i))).isEqualTo(Pte.describe(s[l.pteBase + i], frames));
        }
        // Each table's hooking entry under its level's section: a table of pages has a PMD, one of those a PUD, one of those a P4D.
        int tables = p.tableNames().size();
        int[] level = new int[tables];
        for (int t = tables - 1; t >= 0; t--) {
            if (p.tableParent()[t] >= 0) {
                level[p.tableParent()[t]] = Math.max(level[p.tableParent()[t]], level[t] + 1);
            }
        }
        List<String> sections = List.of("pmds", "puds", "p4ds");
        int listed = 0;
        for (String section : sections) {
            Map<String, Object> entries = (Map<String, Object>) state.getOrDefault(section, Map.of());
            listed += entries.size();
        }
        assertThat(listed).isEqualTo(tables);
        for (int t = 0; t < tables; t++) {
            Map<String, Object> entries = (Map<String, Object>) state.get(sections.get(level[t]));
            assertThat(entries.get(p.tableNames().get(t))).isEqualTo(Pte.describe(s[l.pmdBase + t], frames));
        }
        Map<String, Object> masks = (Map<String, Object>) state.get("mm_cpumask");
        for (int mm = 0; mm < p.mmNames().size(); mm++) {
            assertThat(masks.get(p.mmNames().get(mm))).isEqualTo(m.sets().describe(s[l.mmMaskBase + mm]));
        }
        Map<String, Object> fs = (Map<String, Object>) state.get("frames");
        for (int f = 0; f < p.frames(); f++) {
            assertThat(fs.get(frames.get(f))).isEqualTo(FrameState.describe(s[l.frameBase + f], p.mmNames()));
        }
        List<Map<String, Object>> cpus = (List<Map<String, Object>>) state.get("cpus");
        assertThat(cpus).hasSize(p.cpus());
        for (int c = 0; c < p.cpus(); c++) {
            Map<String, Object> cpu = cpus.get(c);
            int b = l.cpu(c);
            assertThat(cpu).containsKeys("tlb", "pwc", "cr3", "irq", "locals", "store_buffer", "pending_ipis");
            Map<String, Object> tlb = new LinkedHashMap<>();
            // A slot per (page, ASID) with ASIDs (Layout.tlbSlot), named page@asidN; a slot per page without.
            for (int page = 0; page < p.pages(); page++) {
                for (int tag = 0; tag < l.tags; tag++) {
                    int at = b + l.tlb + l.tlbSlot(page, tag);
                    if (s[at] != 0) {
                        tlb.put(p.pageNames().get(page) + (l.tags == 1 ? "" : "@asid" + tag), Pte.describe(s[at], frames));
                    }
                }
            }
            assertThat(cpu.get("tlb")).as("cpu%d tlb", c).isEqualTo(tlb);
            Map<String, Object> pwc = new LinkedHashMap<>();
            for (int t = 0; t < p.tableNames().size(); t++) {
                for (int tag = 0; tag < l.tags; tag++) {
                    int at = b + l.pwc + l.pwcSlot(t, tag);
                    if (s[at] != 0) {
                        pwc.put(p.tableNames().get(t) + (l.tags == 1 ? "" : "@asid" + tag), Pte.describe(s[at], frames));
                    }
                }
            }
            assertThat(cpu.get("pwc")).as("cpu%d pwc", c).isEqualTo(pwc);
            int cr3 = s[b + Layout.CR3];
            assertThat(cpu.get("cr3")).isEqualTo(cr3 == 0 ? "no mm" : p.mmNames().get(cr3 - 1));
            assertThat(cpu.get("irq")).isEqualTo((s[b + Layout.FLAGS] & Layout.IRQ_ON) != 0 ? "on" : "off");
            assertThat((List<String>) cpu.get("store_buffer")).hasSize(s[b + Layout.SB_COUNT]);
            int pending = 0;
            for (int h = 0; h < l.handlers; h++) {
                pending += Integer.bitCount(s[b + Layout.PENDING + h]);
            }
            assertThat((List<String>) cpu.get("pending_ipis")).hasSize(pending);
        }
        Map<String, Object> vars = (Map<String, Object>) state.get("vars");
        for (int v = 0; v < p.shared().size(); v++) {
            if (p.shared().get(v).type() == dev.shootdown.lang.Type.INT) {
                assertThat(vars.get(p.shared().get(v).name())).isEqualTo(Integer.toString(s[v]));
            }
        }
    }

    /** The state as path -> value, paths as the contract writes them (cpus[N].section.key). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> flat(Map<String, Object> state) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : state.entrySet()) {
            if (e.getKey().equals("cpus")) {
                List<Map<String, Object>> cpus = (List<Map<String, Object>>) e.getValue();
                for (int c = 0; c < cpus.size(); c++) {
                    for (Map.Entry<String, Object> f : cpus.get(c).entrySet()) {
                        if (!f.getKey().equals("cpu")) {
                            put(out, "cpus[" + c + "]." + f.getKey(), f.getValue());
                        }
                    }
                }
            } else {
                put(out, e.getKey(), e.getValue());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> out, String path, Object value) {
        if (value instanceof Map<?, ?> section) {
            ((Map<String, Object>) section).forEach((k, v) -> out.put(path + "." + k, v));
        } else {
            out.put(path, value);
        }
    }

    private static TreeSet<String> union(Map<String, Object> a, Map<String, Object> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
