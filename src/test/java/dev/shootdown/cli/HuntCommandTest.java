package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate --hunt}: the JSON contract, the exit codes, the trace around the first violation, and what is refused. */
class HuntCommandTest {
    static final String WORKLOAD = "docs/examples/hunt/shared-page.sdw";

    static SimulateCommandTest.Out hunt(String protocol, String... more) {
        return SimulateCommandTest.run(MergeCommandTest.plus(new String[] {"simulate", protocol, "--workload", WORKLOAD, "--cpus", "4", "--seconds", "0.005",
                "--hunt"}, more));
    }

    @Test
    void theJsonHasTheHuntAndABrokenPropertyExitsOne(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.json");
        SimulateCommandTest.Out o = hunt("catalog/000-pte-first-no-wait.sd", "--json", "--trace", trace.toString());
        assertThat(o.code()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(o.out());
        JsonNode h = j.get("hunt");
        assertThat(h.get("violations").asLong()).isPositive();
        assertThat(h.get("per_hour").asDouble()).isEqualTo(h.get("violations").asLong() / 0.005 * 3600);
        JsonNode first = h.get("first");
        assertThat(first.get("verdict").asText()).isEqualTo("use_after_free");
        assertThat(first.get("simulated_us").asDouble()).isBetween(0.0, 5000.0);
        assertThat(first.get("cpus").get(0).get("cpu").asInt()).isEqualTo(first.get("cpu").asInt());
        JsonNode steps = first.get("cpus").get(0).get("steps");
        assertThat(steps.get(steps.size() - 1).get("at_us").asDouble()).isEqualTo(first.get("simulated_us").asDouble());
        // Under --hunt the jitter is exponential unless told otherwise, and the JSON says so.
        assertThat(j.get("noise").get("jitter").asText()).isEqualTo("exp");
        // The trace is of the run again, up to just past the first violation.
        JsonNode events = new ObjectMapper().readTree(Files.readString(trace)).get("traceEvents");
        double last = 0;
        for (JsonNode e : events) {
            if (e.has("ts")) {
                last = Math.max(last, e.get("ts").asDouble());
            }
        }
        assertThat(last).isGreaterThanOrEqualTo(first.get("simulated_us").asDouble()).isLessThanOrEqualTo(first.get("simulated_us").asDouble() + 10);
    }

    @Test
    void aFixedProtocolHasNoneAndExitsZero() throws Exception {
        SimulateCommandTest.Out o = hunt("catalog/000-pte-first-wait.sd", "--json");
        assertThat(o.code()).isZero();
        JsonNode h = new ObjectMapper().readTree(o.out()).get("hunt");
        assertThat(h.get("violations").asLong()).isZero();
        assertThat(h.get("per_hour").asDouble()).isZero();
        assertThat(h.get("first").isNull()).isTrue();
        SimulateCommandTest.Out text = hunt("catalog/000-pte-first-wait.sd");
        assertThat(text.out()).contains("HUNT: 0 violating steps in 0.005000 simulated s").contains("no violation seen");
    }

    @Test
    void aPlainRunThatBreaksAPropertyExitsOneToo() {
        SimulateCommandTest.Out o = SimulateCommandTest.run("simulate", "catalog/000-pte-first-no-wait.sd", "--workload", WORKLOAD, "--cpus", "4", "--seconds", "0.005",
                "--jitter", "exp");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.out()).contains("VIOLATION use_after_free");
    }

    @Test
    void whatMakesNoSenseIsRefused() {
        SimulateCommandTest.Out sweep = hunt("catalog/000-pte-first-no-wait.sd", "--sweep", "seed=1,2");
        assertThat(sweep.code()).isEqualTo(2);
        assertThat(sweep.err()).contains("--hunt hunts in one run, not a sweep");
        SimulateCommandTest.Out jitter = hunt("catalog/000-pte-first-no-wait.sd", "--jitter", "1.5");
        assertThat(jitter.code()).isEqualTo(2);
        assertThat(jitter.err()).contains("--jitter 1.5: a uniform spread must be above 0 and at most 1");
        assertThat(hunt("catalog/000-pte-first-no-wait.sd", "--jitter", "gauss").err()).contains("expected none, exp or a fraction");
        SimulateCommandTest.Out rate = hunt("catalog/000-pte-first-no-wait.sd", "--device-irq-hz", "-1");
        assertThat(rate.code()).isEqualTo(2);
        assertThat(rate.err()).contains("--device-irq-hz must be between 0 and 1000000");
        SimulateCommandTest.Out output = hunt("catalog/000-pte-first-no-wait.sd", "--output", "x.json");
        assertThat(output.code()).isEqualTo(2);
        assertThat(output.err()).contains("--output writes a sweep's");
    }
}
