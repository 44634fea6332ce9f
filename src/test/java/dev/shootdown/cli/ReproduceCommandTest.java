package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReproduceCommandTest {
    @Test
    void rowsHaveTheContractKeysAndWithinFollowsTheTolerance() throws Exception {
        SimulateCommandTest.Out o = SimulateCommandTest.run("reproduce", "--json");
        assertThat(o.code()).isZero();
        JsonNode rows = new ObjectMapper().readTree(o.out()).get("rows");
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
}
