package dev.shootdown;

import dev.shootdown.check.BfsExplorer;
import dev.shootdown.check.CheckOptions;
import dev.shootdown.check.CheckResult;
import dev.shootdown.check.Counterexample;
import dev.shootdown.check.Violation;
import dev.shootdown.model.Machine;
import dev.shootdown.model.Program;
import dev.shootdown.model.Symmetry;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Symmetry reduction against the plain search: the same verdict for every property at the same
 * depth on every catalog entry, docs model and seeded random model; and, on whole states with no
 * fingerprints, the reduced search's states are all reachable and every reachable state has a
 * renumbering among them (the two claims symmetry reduction rests on).
 */
class SymmetryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.shootdown.OracleModels#catalogAndDocs")
    @DisplayName("catalog and docs: the same verdicts at the same depths with and without symmetry")
    void catalogAndDocs(String name, String source) {
        Program program = OracleModels.compileOrNull(source);
        if (program != null) {
            agree(name, program);
        }
    }

    @Test
    @DisplayName("150 seeded random models with groups of like CPUs: same verdicts and depths, and the reduced states cover every orbit")
    void randomModels() {
        SplittableRandom random = new SplittableRandom(0x5E7);
        int compiled = 0;
        int symmetric = 0;
        int violated = 0;
        int complete = 0;
        for (int i = 0; i < 150; i++) {
            String source = randomModel(random);
            Program program = OracleModels.compileOrNull(source);
            if (program == null) {
                continue;
            }
            compiled++;
            String name = "random model " + i + ":\n" + source;
            CheckResult reduced = agree(name, program);
            symmetric += reduced.symmetry().isEmpty() ? 0 : 1;
            complete += reduced.complete() ? 1 : 0;
            violated += reduced.violations().isEmpty() ? 0 : 1;
            coversEveryOrbit(name, program);
        }
        assertThat(compiled).as("most generated models compile").isGreaterThan(120);
        assertThat(symmetric).as("most have a symmetry to use").isGreaterThan(compiled / 2);
        assertThat(complete).as("most are small enough to compare whole").isGreaterThan(compiled * 3 / 4);
        assertThat(violated).as("both verdicts occur").isBetween(15, compiled - 15);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tlbi_vae1is(p, 1)", "tlbi_aside1is(2)", "tlbi_vmalle1is()"})
    @DisplayName("ASIDs among like CPUs (a current ASID each, slots per page and ASID, broadcasts by ASID): same verdicts, every orbit covered")
    void asids(String invalidation) {
        String source = """
                hardware arm64 { cpus 3; asids 3 }
                mm A { page p -> frame fa writable }
                mm B { page q at p -> frame fb writable }
                cpu 0 runs A: { cpu_switch_mm(A, 1); old = ptep_get_and_clear(p); %s; dsb_ish(); free_frame(old.pfn) }
                cpu 1.. runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(B, 2); read(q); cpu_switch_mm(A, 1); read(p) }
                check no_use_after_free
                """.formatted(invalidation);
        Program program = OracleModels.compile(source);
        CheckResult reduced = agree(invalidation, program);
        assertThat(reduced.symmetry()).hasSize(1);
        assertThat(reduced.symmetry().get(0)).containsExactly(1, 2);
        assertThat(reduced.violations().isEmpty()).as("only an invalidation of ASID 1 keeps the freed frame out of reach").isEqualTo(!invalidation.contains("(2)"));
        coversEveryOrbit(invalidation, program);
    }

    @Test
    @DisplayName("a model that names a CPU, orders CPUs or computes with one keeps those CPUs apart, and says so")
    void refusals() {
        String head = "hardware x86 { cpus 4 }\nmm A { page p -> frame f writable }\nshared x = 0\npercpu seen: bool\n";
        CheckResult named = new BfsExplorer(OracleModels.compile(head + "cpu 0.. runs A: { if seen[2] { x = 1 } read(p) }\n"), CheckOptions.defaults()).run();
        assertThat(named.symmetry()).hasSize(1);
        assertThat(named.symmetry().get(0)).containsExactly(0, 1, 3);
        assertThat(named.reductionNotes()).anySatisfy(n -> assertThat(n).contains("CPU 2 named in a CPU index"));

        CheckResult ordered = new BfsExplorer(OracleModels.compile(head + "cpu 0.. runs A: { for c in all_cpus { x = 1 } }\n"), CheckOptions.defaults()).run();
        assertThat(ordered.symmetry()).isEmpty();
        assertThat(ordered.reductionNotes()).singleElement().asString().contains("'for' visits CPUs from the lowest").contains("m.sd:5:");

        CheckResult computed = new BfsExplorer(OracleModels.compile(head + "cpu 0.. runs A: { x = self + 1 }\n"), CheckOptions.defaults()).run();
        assertThat(computed.symmetry()).isEmpty();
        assertThat(computed.reductionNotes()).singleElement().asString().contains("a CPU used as a number in '+'");

        CheckResult free = new BfsExplorer(OracleModels.compile(head + "cpu 0.. runs A: { seen[self] = true; if x == 0 { x = 1 } }\n"),
                CheckOptions.defaults()).run();
        assertThat(free.symmetry()).hasSize(1);
        assertThat(free.symmetry().get(0)).containsExactly(0, 1, 2, 3);
    }

    /** Runs both searches; asserts the same status and depth for every property and a replayable counterexample. */
    private static CheckResult agree(String name, Program program) {
        CheckOptions options = CheckOptions.defaults().withMaxStates(40_000);
        CheckResult plain = new BfsExplorer(program, options.withReductions(false)).run();
        BfsExplorer explorer = new BfsExplorer(program, options);
        CheckResult reduced = explorer.run();
        if (!plain.complete() || !reduced.complete()) {
            return reduced;
        }
        assertThat(plain.symmetry()).isEmpty();
        assertThat(reduced.stats().states()).as(name).isLessThanOrEqualTo(plain.stats().states());
        for (Verdict v : program.properties()) {
            Violation a = plain.violation(v);
            Violation b = reduced.violation(v);
            assertThat(b == null).as(name + "\n" + v + " violated in one search only").isEqualTo(a == null);
            if (a != null) {
                assertThat(b.depth()).as(name + "\n" + v + " depth").isEqualTo(a.depth());
                Counterexample cx;
                try {
                    cx = explorer.rebuilder().rebuild(b);
                } catch (IllegalStateException e) {
                    throw new AssertionError(name + "\n" + v + ": " + e.getMessage(), e);
                }
                if (!b.lasso()) {
                    assertThat(cx.steps()).as(name + "\n" + v + " counterexample on concrete CPUs").hasSize(b.depth());
                }
                assertThat(cx.verdict()).isEqualTo(v);
            }
        }
        return reduced;
    }

    /**
     * Whole-state reachability with and without canonicalisation: every state the reduced search
     * keeps is reachable (so the renumberings are automorphisms of the model), and every reachable
     * state has some renumbering of the groups among the kept states (so no orbit is missed).
     */
    private static void coversEveryOrbit(String name, Program program) {
        Machine m = new Machine(program);
        int[] init = m.initialState();
        Symmetry symmetry = new Symmetry(program, m.layout(), init);
        if (!symmetry.active()) {
            return;
        }
        Set<IntBuffer> all = reach(m, init, null);
        Set<IntBuffer> kept = reach(m, init, symmetry);
        if (all == null || kept == null) {
            return;
        }
        for (IntBuffer s : kept) {
            assertThat(all).as(name + "\na kept state that is not reachable").contains(s);
        }
        List<int[]> perms = permutations(symmetry.groups(), program.cpus());
        int[] t = new int[init.length];
        for (IntBuffer s : all) {
            boolean found = false;
            for (int[] p : perms) {
                symmetry.permute(s.array(), p, t);
                if (kept.contains(IntBuffer.wrap(t))) {
                    found = true;
                    break;
                }
            }
            assertThat(found).as(name + "\na reachable state with no renumbering among the kept states").isTrue();
        }
    }

    private static Set<IntBuffer> reach(Machine m, int[] init, Symmetry symmetry) {
        int[] actions = new int[m.maxActions()];
        Set<IntBuffer> seen = new HashSet<>();
        List<int[]> todo = new ArrayList<>();
        int[] start = init.clone();
        if (symmetry != null) {
            symmetry.canonicalize(start);
        }
        seen.add(IntBuffer.wrap(start));
        todo.add(start);
        for (int at = 0; at < todo.size(); at++) {
            if (todo.size() > 40_000) {
                return null;
            }
            int[] s = todo.get(at);
            int n = m.enabled(s, actions);
            for (int i = 0; i < n; i++) {
                int[] next = s.clone();
                if (m.apply(next, actions[i], null) >= 0) {
                    continue;
                }
                if (symmetry != null) {
                    symmetry.canonicalize(next);
                }
                if (seen.add(IntBuffer.wrap(next))) {
                    todo.add(next);
                }
            }
        }
        return seen;
    }

    /** Every renumbering that permutes CPUs within the groups only. */
    private static List<int[]> permutations(int[][] groups, int cpus) {
        List<int[]> out = new ArrayList<>();
        int[] id = new int[cpus];
        for (int c = 0; c < cpus; c++) {
            id[c] = c;
        }
        out.add(id);
        for (int[] g : groups) {
            List<int[]> next = new ArrayList<>();
            for (int[] base : out) {
                for (int[] order : orders(g)) {
                    int[] p = base.clone();
                    for (int i = 0; i < g.length; i++) {
                        p[g[i]] = order[i];
                    }
                    next.add(p);
                }
            }
            out = next;
        }
        return out;
    }

    private static List<int[]> orders(int[] g) {
        if (g.length == 1) {
            return List.of(g.clone());
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < g.length; i++) {
            int[] rest = new int[g.length - 1];
            for (int j = 0, k = 0; j < g.length; j++) {
                if (j != i) {
                    rest[k++] = g[j];
                }
            }
            for (int[] r : orders(rest)) {
                int[] o = new int[g.length];
                o[0] = g[i];
                System.arraycopy(r, 0, o, 1, r.length);
                out.add(o);
            }
        }
        return out;
    }


    /** What the like CPUs run: statements that move CPU numbers and sets through every kind of word. */
    private static final String[] LIKE = {
            "me = self", "owner = self", "if owner == self { x = 1 }", "last[self] = owner", "seen = seen + self",
            "if self in seen { x = 0 }", "read(p)", "write(p)", "flush_tlb_page(p)", "x = 1", "wait until x == 1",
            "send_ipi(cpumask(A) - self, h)", "wait until acked(cpumask(A) - self)", "local_irq_disable()", "local_irq_enable()",
            "cpumask_clear(A, self)", "cpumask_set(A, self)", "others = { c in all_cpus : c != self && !(c in seen) }",
            "if count(seen) == 2 { x = 2 }", "send_ipi(seen - self, h)", "smp_mb()",
            "choose t in seen + self; last[self] = t", "either { read(q) } or { write(q) }",
    };

    /** What the initiator runs: the usual unmap, shootdown and free. */
    private static final String[] INITIATOR = {
            "old = ptep_get_and_clear(p)", "send_ipi(cpumask(A) - self, h)", "wait until acked(cpumask(A) - self)",
            "flush_tlb_page(p)", "free_frame(f)", "x = 1", "owner = self", "if owner != self { x = 0 }", "seen = {}",
            "choose v in {p, q}; flush_tlb_page(v)", "either { x = 1 } or { send_ipi(cpumask(A) - self, h) }",
    };

    private static final String[] HANDLERS = {
            "irq h(from) { flush_tlb_page(p); ack(from) }",
            "irq h(from) { last[self] = from; ack(from) }",
            "irq h(from) { seen = seen + from; ack(from) }",
            "irq h(from) { if from == owner { x = 1 } ack(from) }",
            "irq h(from: cpu) { w = from; flush_tlb_all(); ack(w) }",
            "irq h() { flush_tlb_page(p); x = 1 }",
    };

    static String randomModel(SplittableRandom random) {
        int cpus = 3 + random.nextInt(2);
        boolean tso = random.nextInt(3) == 0;
        StringBuilder b = new StringBuilder("hardware x86 { cpus ").append(cpus).append(tso ? "; memory tso" : "")
                .append(random.nextBoolean() ? "; tlb_capacity 1; evictions" : "").append(" }\n")
                .append("mm A { page p -> frame f writable; page q -> frame g writable }\n")
                .append("shared x = 0, owner: cpu = 0, seen: cpuset\npercpu last: cpu\n")
                .append(HANDLERS[random.nextInt(HANDLERS.length)]).append('\n');
        b.append("cpu 0 runs A: { ");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(INITIATOR[random.nextInt(INITIATOR.length)]).append("; ");
        }
        b.append("}\ncpu 1.. runs A: { ");
        n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(LIKE[random.nextInt(LIKE.length)]).append("; ");
        }
        b.append(random.nextInt(3) == 0 ? "loop { read(q) } }\n" : "}\n");
        return b.append("check no_use_after_free, no_deadlock\n").toString();
    }
}
