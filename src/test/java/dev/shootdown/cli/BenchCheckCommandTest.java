package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * {@code bench check}: what it reports on a few small models, not how fast (speed is measured by
 * running it, never asserted). The large models of {@code bench/index.txt} are never run here.
 */
class BenchCheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJsonHasEveryFigurePerModelAndTheVerdictsAndCountsOfAPlainCheck(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        MainTest.Run r = MainTest.run("bench", "check", "--models", "tlb-N3-K1,tlb-N6-K1-buggy-tight", "--repeat", "2", "--json", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(fields(j)).startsWith("started", "jvm", "processors", "max_heap_bytes", "collectors", "repeat", "heap_measure", "models");
        assertThat(j.get("jvm").asText()).contains(System.getProperty("java.runtime.version"));
        assertThat(j.get("repeat").asInt()).isEqualTo(2);
        assertThat(j.get("heap_measure").asText()).contains("garbage included");
        JsonNode models = j.get("models");
        assertThat(models).hasSize(2);
        for (JsonNode m : models) {
            assertThat(fields(m)).containsExactly("name", "file", "expected", "verdict", "agrees", "complete", "states", "transitions", "depth",
                    "wall_seconds", "states_per_second", "peak_heap_bytes", "live_heap_bytes", "baseline_heap_bytes", "bytes_per_state", "runs");
            // The same model through check --json: the bench times a real check, not a stand-in.
            JsonNode check = JSON.readTree(MainTest.run("check", m.get("file").asText(), "--json").out());
            assertThat(m.get("verdict").asText()).isEqualTo(check.get("verdict").asText()).isEqualTo(m.get("expected").asText());
            assertThat(m.get("agrees").asBoolean()).isTrue();
            assertThat(m.get("complete").asBoolean()).isTrue();
            assertThat(m.get("states").asLong()).isEqualTo(check.get("states").asLong());
            assertThat(m.get("transitions").asLong()).isEqualTo(check.get("transitions").asLong());
            assertThat(m.get("depth").asInt()).isEqualTo(check.get("depth").asInt());
            // Rates agree with the counts and the median time they are reported with.
            JsonNode runs = m.get("runs");
            assertThat(runs).hasSize(2);
            double median = (runs.get(0).get("wall_seconds").asDouble() + runs.get(1).get("wall_seconds").asDouble()) / 2;
            assertThat(m.get("wall_seconds").asDouble()).isCloseTo(median, withPercentage(1e-6));
            assertThat(m.get("states_per_second").asDouble()).isCloseTo(m.get("states").asLong() / median, withPercentage(1e-6));
            for (JsonNode run : runs) {
                assertThat(fields(run)).containsExactly("wall_seconds", "search_seconds", "peak_heap_bytes", "live_heap_bytes", "baseline_heap_bytes");
                // The search is part of what is timed.
                assertThat(run.get("search_seconds").asDouble()).isPositive().isLessThanOrEqualTo(run.get("wall_seconds").asDouble());
                assertThat(run.get("peak_heap_bytes").asLong()).isGreaterThanOrEqualTo(run.get("baseline_heap_bytes").asLong()).isPositive();
            }
        }
        assertThat(models.get(0).get("name").asText()).isEqualTo("tlb-N3-K1");
        assertThat(models.get(1).get("verdict").asText()).isEqualTo("use_after_free");
        // The table names each model with its verdict and states.
        assertThat(r.out()).contains("model", "verdict", "states/s", "peak heap", "B/state");
        assertThat(r.out()).containsPattern("tlb-N3-K1 +safe +" + String.format("%,d", models.get(0).get("states").asLong()) + " ");
        assertThat(r.out()).containsPattern("tlb-N6-K1-buggy-tight +use_after_free +" + String.format("%,d", models.get(1).get("states").asLong()) + " ");
        // Off a terminal, stderr gets a line per run.
        assertThat(r.err()).contains("bench check 1/2 tlb-N3-K1: ", "bench check 2/2 tlb-N6-K1-buggy-tight: ");
    }

    /** The default set is the index's quick models; --all adds the rest. Only the lists are compared here: the big ones are not run. */
    @Test
    void theShippedModelsAreTheIndexsFilesAndEachIsInTheRepository() throws Exception {
        List<BenchModels.Model> shipped = BenchModels.shipped();
        assertThat(shipped).extracting(BenchModels.Model::name).contains("tlb-N3-K1", "tlb-N6-K1", "tlb-N6-K1-buggy", "five-cpus").doesNotHaveDuplicates();
        assertThat(shipped).filteredOn(BenchModels.Model::quick).extracting(BenchModels.Model::name).contains("tlb-N3-K1").doesNotContain("tlb-N6-K1", "five-cpus");
        for (BenchModels.Model m : shipped) {
            assertThat(m.source().text()).isEqualTo(Files.readString(Path.of(m.source().name()), StandardCharsets.UTF_8));
        }
        // Every generated model in the folder is listed, and still says where it comes from.
        try (Stream<Path> files = Files.list(Path.of("bench", "checker"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".sd")).toList()) {
                assertThat(shipped).extracting(m -> m.source().name()).contains(p.toString());
                assertThat(Files.readString(p, StandardCharsets.UTF_8)).contains("generated by gen.py");
            }
        }
    }

    @Test
    void modelsAreChosenByNameGlobFileOrDirectoryInTheOrderGiven(@TempDir Path dir) throws Exception {
        List<BenchModels.Model> shipped = BenchModels.shipped();
        assertThat(BenchModels.select(shipped, List.of("tlb-N6-K1*"))).extracting(BenchModels.Model::name)
                .containsExactly("tlb-N6-K1-tight", "tlb-N6-K1-buggy-tight", "tlb-N6-K1", "tlb-N6-K1-buggy");
        assertThat(BenchModels.select(shipped, List.of("tlb-N4-K1", "tlb-N3-?1", "tlb-N4-K1"))).extracting(BenchModels.Model::name)
                .containsExactly("tlb-N4-K1", "tlb-N3-K1");
        Files.copy(Path.of("docs/examples/mprotect-no-wait.sd"), dir.resolve("b.sd"));
        Files.copy(Path.of("bench/checker/tlb-N3-K1.sd"), dir.resolve("a.sd"));
        List<BenchModels.Model> files = BenchModels.select(shipped, List.of(dir.toString(), "bench/checker/tlb-N3-K1.sd"));
        assertThat(files).extracting(BenchModels.Model::name).containsExactly("a", "b", "tlb-N3-K1");
        // A file of the user's has no verdict expected unless it declares one.
        assertThat(files).extracting(BenchModels.Model::expected).containsOnlyNulls();
    }

    @Test
    void aVerdictOtherThanTheExpectedOneIsMarkedAndExits1(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("wrong.sd");
        Files.writeString(model, "expect safe\n" + Files.readString(Path.of("docs/examples/mprotect-no-wait.sd"), StandardCharsets.UTF_8));
        MainTest.Run r = MainTest.run("bench", "check", "--models", model.toString(), "--repeat", "1");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.VIOLATION);
        assertThat(r.out()).contains("write_after_protect (expected safe)");
    }

    @Test
    void anIncompleteSearchSaysSoAndExits3(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        MainTest.Run r = MainTest.run("bench", "check", "--models", "tlb-N3-K1", "--repeat", "1", "--max-states", "10", "--json", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.INCOMPLETE);
        assertThat(r.out()).containsPattern("tlb-N3-K1 +incomplete ").contains("stopped: state limit (10)");
        JsonNode m = JSON.readTree(out.toFile()).get("models").get(0);
        assertThat(m.get("complete").asBoolean()).isFalse();
        assertThat(m.get("stop_reason").asText()).isEqualTo("state limit (10)");
        // Nothing found in the states explored contradicts nothing.
        assertThat(m.get("agrees").asBoolean()).isTrue();
    }

    @Test
    void badSelectionsAreTheUsersErrors() {
        MainTest.Run both = MainTest.run("bench", "check", "--all", "--models", "tlb-N3-K1");
        assertThat(both.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(both.err()).isEqualTo("shootdown: bench check: give --all or --models, not both\n");
        MainTest.Run unknown = MainTest.run("bench", "check", "--models", "tlb-N99-*");
        assertThat(unknown.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(unknown.err()).startsWith("shootdown: --models: no model named tlb-N99-* (the shipped ones: tlb-N3-K1, ");
        assertThat(unknown.out()).isEmpty();
    }

    /** Ctrl-C on a real process: the runs that finished are reported, marked partial; the one cut short is not. */
    @Test
    @org.junit.jupiter.api.Timeout(120) // a guard against a hang, not a timing assertion
    void ctrlCReportsTheRunsThatFinishedAndExits130(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        // A thousand rounds of a model of a few thousand states, and one of a quarter million: far longer than the wait.
        try (CliProcess p = CliProcess.start(dir, "bench", "check", "--models", "tlb-N4-K1,tlb-N3-K2", "--repeat", "1000", "--json", json.toString())) {
            p.awaitCpuSeconds(4);
            int expected = p.interrupt();
            assertThat(p.exitCode()).as(p.err()).isEqualTo(expected);
            JsonNode j = JSON.readTree(json.toFile());
            assertThat(j.get("partial").asBoolean()).isTrue();
            assertThat(j.get("stop_reason").asText()).matches("interrupted in round [0-9]+ of 1000");
            JsonNode first = j.get("models").get(0);
            assertThat(first.get("runs").size()).isPositive().isLessThan(1000);
            // Every reported run is whole: each explored every state.
            for (JsonNode m : j.get("models")) {
                assertThat(m.get("complete").asBoolean()).isTrue();
                assertThat(m.get("verdict").asText()).isEqualTo("safe");
            }
            assertThat(p.out()).contains("partial: " + j.get("stop_reason").asText());
        }
    }

    private static List<String> fields(JsonNode j) {
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
