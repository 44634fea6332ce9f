package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.UserError;
import dev.shootdown.sim.Experiments;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ReproduceCommandTest {
    @Test
    void rowsHaveTheContractKeysAndWithinFollowsTheTolerance() throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run("reproduce", "--json");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        List<String> top = new ArrayList<>();
        j.fieldNames().forEachRemaining(top::add);
        assertThat(top).as("a complete run has no partial keys").containsExactly("rows");
        JsonNode rows = j.get("rows");
        assertThat(rows.size()).isGreaterThanOrEqualTo(3);
        for (JsonNode r : rows) {
            List<String> keys = new ArrayList<>();
            r.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("source", "metric", "published", "simulated", "tolerance", "within");
            boolean within = Math.abs(r.get("simulated").asDouble() - r.get("published").asDouble()) <= r.get("tolerance").asDouble();
            assertThat(r.get("within").asBoolean()).isEqualTo(within);
            assertThat(r.get("simulated").asDouble()).isPositive();
        }
        assertThat(rows.toString()).contains("seed 001").contains("INVLPGB");
        // Its runs' progress on stderr, which is no terminal here: a plain line per run, the last saying all are done.
        assertThat(o.err()).doesNotContain("\r").endsWith("\n");
        assertThat(o.err().lines()).allMatch(l -> l.matches("reproduce: \\d+/\\d+ runs done, \\d+:\\d\\d elapsed")).last().asString()
                .matches("reproduce: (\\d+)/\\1 runs done, .*");
    }

    /** Two figures of one short run. */
    static final Experiments.Experiment THROUGHPUT = experiment("quick", "throughput_ops_per_second", Map.of());
    static final Experiments.Experiment IPIS = experiment("quick", "ipis_per_second", Map.of());
    /** A run that fails once it starts: its workload parameter is not a number. */
    static final Experiments.Experiment BAD = experiment("bad", "throughput_ops_per_second", Map.of("user_cycles", "abc"));

    static Experiments.Experiment experiment(String source, String metric, Map<String, String> params) {
        return new Experiments.Experiment(source, metric, 1, 1e12, "linux-ipi", "munmap", 2, "skylake", 0.001, params,
                r -> ((Number) r.metrics().get(metric)).doubleValue());
    }

    static SimResult simulate(Experiments.Experiment e) {
        return Simulation.run(Protocols.load(e.protocol()), Workloads.byName(e.workload()), e.params(), e.cpus(), Profiles.byName(e.profile()),
                SimOptions.of(e.seconds(), 1));
    }

    /** {@code reproduce} of {@code experiments} on one thread (runs in order), its stderr no terminal; a thrown failure lands in {@code thrown}. */
    static MainTest.Run reproduce(boolean json, List<Experiments.Experiment> experiments, AtomicBoolean stop, Function<Experiments.Experiment, SimResult> simulate,
                                  AtomicReference<RuntimeException> thrown) {
        ReproduceCommand c = new ReproduceCommand();
        c.json = json;
        c.threads = 1;
        return MainTest.capture(() -> {
            try {
                return c.reproduce(experiments, false, stop, simulate);
            } catch (RuntimeException e) {
                thrown.set(e);
                return -1;
            }
        });
    }

    @Test
    void aFailingRunStillPrintsTheRowsOfTheRunsThatFinishedAndNamesTheOthers() throws Exception {
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        MainTest.Run r = reproduce(true, List.of(THROUGHPUT, BAD, IPIS), new AtomicBoolean(), ReproduceCommandTest::simulate, thrown);

        assertThat(thrown.get()).as("the failure is rethrown once printed, for its exit code").isInstanceOf(UserError.class)
                .hasMessage("workload parameter user_cycles=abc: expected a whole number");
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> top = new ArrayList<>();
        j.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactly("partial", "stop_reason", "rows", "missing");
        assertThat(j.get("partial").asBoolean()).isTrue();
        assertThat(j.get("stop_reason").asText()).isEqualTo("run linux-ipi / munmap / 2 CPUs / skylake / 0.001 s, seed 1 failed: " + thrown.get().getMessage());
        // Both figures of the run that finished, in the experiments' order, as that run gives them on its own.
        SimResult alone = simulate(THROUGHPUT);
        assertThat(j.get("rows")).extracting(row -> row.get("metric").asText()).containsExactly("throughput_ops_per_second", "ipis_per_second");
        assertThat(j.get("rows").get(0).get("simulated").asDouble()).isEqualTo(THROUGHPUT.simulated().applyAsDouble(alone));
        assertThat(j.get("rows").get(1).get("simulated").asDouble()).isEqualTo(IPIS.simulated().applyAsDouble(alone));
        assertThat(j.get("missing")).hasSize(1);
        assertThat(j.get("missing").get(0).get("source").asText()).isEqualTo("bad");
        assertThat(j.get("missing").get(0).get("metric").asText()).isEqualTo("throughput_ops_per_second");
        assertThat(r.err().lines()).last().asString().matches("reproduce: 1/2 runs done, \\d+:\\d\\d elapsed, failed");
    }

    @Test
    void aFailingRunStillPrintsTheTableOfTheRunsThatFinished() {
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        MainTest.Run r = reproduce(false, List.of(THROUGHPUT, BAD), new AtomicBoolean(), ReproduceCommandTest::simulate, thrown);

        assertThat(thrown.get()).isInstanceOf(UserError.class);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("quick");
        assertThat(lines.get(1)).matches(" +throughput_ops_per_second +published 1\\.00 +simulated \\S+ +tolerance \\S+ +WITHIN +\\[linux-ipi / munmap / .*\\]");
        assertThat(lines.get(2)).isEqualTo("bad");
        assertThat(lines.get(3)).matches(" +throughput_ops_per_second +not run +\\[linux-ipi / munmap / .*\\]");
        assertThat(lines.get(5)).startsWith("partial: 1 of 2 rows not run (run linux-ipi / munmap / ");
    }

    @Test
    @Timeout(60) // a guard against a hang, not a timing assertion
    void ctrlCPrintsTheRowsOfTheRunsThatFinishedAndReturns130() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        // One thread: the quick run finishes, then the second plays Ctrl-C and would run until the pool is shut down.
        Function<Experiments.Experiment, SimResult> simulate = e -> {
            if (e == BAD) {
                stop.set(true);
                try {
                    never.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("stopped");
            }
            return simulate(e);
        };
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        MainTest.Run r = reproduce(true, List.of(THROUGHPUT, BAD, IPIS), stop, simulate, thrown);

        assertThat(thrown.get()).isNull();
        assertThat(r.exit()).isEqualTo(Main.INTERRUPTED);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("partial").asBoolean()).isTrue();
        assertThat(j.get("stop_reason").asText()).isEqualTo("interrupted");
        assertThat(j.get("rows")).extracting(row -> row.get("metric").asText()).containsExactly("throughput_ops_per_second", "ipis_per_second");
        assertThat(j.get("missing")).extracting(m -> m.get("source").asText()).containsExactly("bad");
        assertThat(r.err().lines()).last().asString().matches("reproduce: 1/2 runs done, \\d+:\\d\\d elapsed, interrupted");
    }

    @Test
    void underSeedsTheSimulatedFigureIsTheMeanOfEachSeedsRunWithItsInterval() throws Exception {
        ReproduceCommand c = new ReproduceCommand();
        c.json = true;
        c.threads = 1;
        c.seed = 5;
        c.seeds = 3;
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        MainTest.Run r = MainTest.capture(() -> c.reproduce(List.of(THROUGHPUT, IPIS), false, new AtomicBoolean(), (e, seed) -> {
            seen.add(seed);
            return Simulation.run(Protocols.load(e.protocol()), Workloads.byName(e.workload()), e.params(), e.cpus(), Profiles.byName(e.profile()),
                    SimOptions.of(e.seconds(), seed));
        }));

        assertThat(seen).as("one run per seed, shared by the two figures").containsExactlyInAnyOrder(5L, 6L, 7L);
        JsonNode row = new ObjectMapper().readTree(r.out()).get("rows").get(0);
        List<String> keys = new ArrayList<>();
        row.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("source", "metric", "published", "simulated", "simulated_ci95", "simulated_seeds", "tolerance", "within");
        double mean = 0;
        for (long s = 5; s <= 7; s++) {
            double v = THROUGHPUT.simulated().applyAsDouble(Simulation.run(Protocols.load("linux-ipi"), Workloads.byName("munmap"), Map.of(), 2,
                    Profiles.byName("skylake"), SimOptions.of(0.001, s)));
            assertThat(row.get("simulated_seeds").get((int) s - 5).asDouble()).isEqualTo(v);
            mean += v / 3;
        }
        assertThat(row.get("simulated").asDouble()).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-6 * mean));
    }
}
