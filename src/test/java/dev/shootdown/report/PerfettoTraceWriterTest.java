package dev.shootdown.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.model.Event;
import dev.shootdown.sim.Phase;
import dev.shootdown.sim.Profile;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.RecordingTrace;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace of a run parses as JSON and keeps the trace-event rules ({@link TraceEventRules}); its
 * slices are the engine's, written as they come (the engine splits an interrupted compute());
 * arrows go from each IPI send to the handler entry it caused; the cap and the window hold.
 */
class PerfettoTraceWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Traced(SimResult result, JsonNode json, TraceEventRules.Result rules, PerfettoTraceWriter writer) {}

    Traced simulate(String protocol, String workload, String profile, int cpus, double seconds, PerfettoTraceWriter.Limits limits, String fileName)
            throws IOException {
        Profile p = Profiles.byName(profile);
        Path file = dir.resolve(fileName);
        SimResult r;
        PerfettoTraceWriter w;
        try (PerfettoTraceWriter writer = PerfettoTraceWriter.open(java.nio.file.Files.newOutputStream(file), file.getFileName().toString(), protocol + " " + workload, cpus, p.ghz(), limits)) {
            w = writer;
            r = Simulation.run(Protocols.load(protocol), Workloads.byName(workload), Map.of(), cpus, p, new SimOptions(seconds, 1, writer));
            writer.finish();
        }
        JsonNode json;
        try (InputStream in = fileName.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            json = JSON.readTree(in);
        }
        return new Traced(r, json, TraceEventRules.check(json), w);
    }

    @ParameterizedTest(name = "{0} under {1} on {2}, {3} CPUs")
    @CsvSource({
            "linux-ipi, munmap, skylake, 8, 0.0003",
            "linux-ipi, tlb_flush2, skylake, 6, 0.0001",
            "linux-ipi, server, skylake, 6, 0.0005",
            "linux-ipi, reclaim, skylake, 4, 0.0005",
            "dfly-cpusync, munmap, skylake, 5, 0.0003",
            "invlpgb, tlb_flush2, milan, 6, 0.0001"})
    void aRunsTraceParsesAndKeepsTheRules(String protocol, String workload, String profile, int cpus, double seconds) throws IOException {
        Traced t = simulate(protocol, workload, profile, cpus, seconds, PerfettoTraceWriter.Limits.NONE, "run.json");

        assertThat(t.rules().problems()).isEmpty();
        assertThat(t.json().get("displayTimeUnit").asText()).isEqualTo("ns");
        assertThat(t.writer().truncated()).isFalse();
        // A track per CPU, each named "cpu N", and every CPU busy or blocked for the whole run: no gaps.
        long endNs = Math.round(t.result().simulatedSeconds() * 1e9);
        for (int c = 0; c < cpus; c++) {
            List<TraceEventRules.Slice> slices = t.rules().slices().get("1:" + c);
            assertThat(slices).as("cpu %d", c).isNotEmpty();
            long covered = 0;
            for (TraceEventRules.Slice s : slices) {
                covered += s.end() - s.start();
            }
            // Sub-nanosecond slices are left out; there are few.
            assertThat((double) covered / endNs).as("share of cpu %d's time covered by slices", c).isBetween(0.99, 1.0);
        }
        int names = 0;
        for (JsonNode e : t.json().get("traceEvents")) {
            if (e.path("name").asText().equals("thread_name")) {
                assertThat(e.get("args").get("name").asText()).isEqualTo("cpu " + e.get("tid").asInt());
                names++;
            }
        }
        assertThat(names).isEqualTo(cpus);
    }

    @Test
    void eachIpiSentIsAnArrowToTheHandlerEntryItCaused() throws IOException {
        Traced t = simulate("linux-ipi", "munmap", "skylake", 8, 0.0003, PerfettoTraceWriter.Limits.NONE, "ipi.json");

        TraceEventRules.Result r = t.rules();
        assertThat(r.problems()).isEmpty();
        long entries = t.result().count(Event.IPI_ENTER);
        assertThat(entries).isPositive();
        // One arrow per handler entry (no coalescing in this workload: one shootdown at a time).
        assertThat(r.flowStarts()).hasSize((int) entries);
        for (Map.Entry<Long, JsonNode> e : r.flowStarts().entrySet()) {
            JsonNode s = e.getValue();
            JsonNode f = r.flowEnds().get(e.getKey());
            assertThat(f.get("bp").asText()).isEqualTo("e");
            assertThat(f.get("tid").asInt()).isEqualTo(s.get("args").get("target").asInt()).isNotEqualTo(s.get("tid").asInt());
            // The start sits in the sender's send_ipi statement, the finish in the handler's entry slice.
            TraceEventRules.Slice from = r.enclosing(TraceEventRules.track(s), TraceEventRules.ns(s.get("ts")));
            TraceEventRules.Slice to = r.enclosing(TraceEventRules.track(f), TraceEventRules.ns(f.get("ts")));
            assertThat(from).as("slice around flow start %s", s).isNotNull();
            assertThat(from.name()).contains("send_ipi");
            assertThat(to).as("slice around flow finish %s", f).isNotNull();
            assertThat(to.name()).startsWith("<IPI flush_tlb_func from cpu" + s.get("tid").asInt());
            // The profile's delivery latency separates them.
            assertThat(TraceEventRules.ns(f.get("ts"))).isGreaterThan(TraceEventRules.ns(s.get("ts")));
        }
    }

    @Test
    void slicesAreNamedByStatementWithPhaseAndLabelInArgs() throws IOException {
        Traced t = simulate("linux-ipi", "munmap", "skylake", 4, 0.0001, PerfettoTraceWriter.Limits.NONE, "names.json");

        List<String> phases = List.of(Phase.NAMES);
        boolean handler = false;
        for (JsonNode e : t.json().get("traceEvents")) {
            if (e.path("ph").asText().equals("X")) {
                assertThat(phases).contains(e.get("cat").asText(), e.get("args").get("phase").asText());
                assertThat(e.get("args").has("label")).isTrue();
                handler |= e.get("cat").asText().equals("shootdown_handler") && e.get("name").asText().equals("flush_tlb_page(flush_page[from])");
            }
        }
        assertThat(handler).as("a handler slice named by its statement").isTrue();
    }

    /** Fed by hand at 1 GHz (a cycle is a nanosecond) as the engine reports an interrupted compute(): cut, the handler, the rest. */
    @Test
    void slicesAreWrittenAsTheEngineReportsThemWithAnArrowToTheHandler() throws IOException {
        StringWriter out = new StringWriter();
        PerfettoTraceWriter w = new PerfettoTraceWriter(out, "hand", 2, 1.0, PerfettoTraceWriter.Limits.NONE);
        w.slice(1, 0, 100, Phase.KERNEL, "x = 1");
        w.event(100, 1, Event.IPI_SEND, 0, 0);
        w.slice(1, 100, 300, Phase.SHOOTDOWN, "send_ipi(targets, h)");
        w.slice(0, 0, 400, Phase.USER, "compute(1000)");
        w.event(400, 0, Event.IPI_ENTER, 1, 0);
        w.slice(0, 400, 500, Phase.HANDLER, "<IPI h from cpu1>");
        w.slice(0, 500, 600, Phase.HANDLER, "ack(from)");
        w.slice(0, 600, 1200, Phase.USER, "compute(1000)");
        w.slice(0, 1200, 1300, Phase.KERNEL, "y = 2");
        w.finish();

        JsonNode json = JSON.readTree(out.toString());
        TraceEventRules.Result r = TraceEventRules.check(json);
        assertThat(r.problems()).isEmpty();
        assertThat(r.slices().get("1:0")).containsExactly(
                new TraceEventRules.Slice(0, 400, "compute(1000)"),
                new TraceEventRules.Slice(400, 500, "<IPI h from cpu1>"),
                new TraceEventRules.Slice(500, 600, "ack(from)"),
                new TraceEventRules.Slice(600, 1200, "compute(1000)"),
                new TraceEventRules.Slice(1200, 1300, "y = 2"));
        JsonNode s = r.flowStarts().values().iterator().next();
        JsonNode f = r.flowEnds().values().iterator().next();
        assertThat(TraceEventRules.ns(s.get("ts"))).isEqualTo(100);
        assertThat(s.get("tid").asInt()).isEqualTo(1);
        assertThat(TraceEventRules.ns(f.get("ts"))).isEqualTo(400);
        assertThat(f.get("tid").asInt()).isZero();
    }

    /** The writer trusts the engine and cuts nothing: slices that overlap reach the file, and the rules catch them, nested or not. */
    @Test
    void theRulesCatchSlicesOfACpuThatOverlapOrNest() throws IOException {
        StringWriter out = new StringWriter();
        PerfettoTraceWriter w = new PerfettoTraceWriter(out, "hand", 2, 1.0, PerfettoTraceWriter.Limits.NONE);
        w.slice(0, 0, 1000, Phase.USER, "compute(1000)");
        w.slice(0, 400, 500, Phase.HANDLER, "<IPI h from cpu1>");
        w.slice(1, 0, 100, Phase.KERNEL, "a");
        w.slice(1, 50, 150, Phase.KERNEL, "b");
        w.finish();

        List<String> problems = TraceEventRules.check(JSON.readTree(out.toString())).problems();
        assertThat(problems).containsExactly(
                "track 1:0: Slice[start=400, end=500, name=<IPI h from cpu1>] nests in Slice[start=0, end=1000, name=compute(1000)]",
                "track 1:1: Slice[start=50, end=150, name=b] overlaps Slice[start=0, end=100, name=a]");
    }

    @Test
    void sendsCoalescedBeforeTheEntryGiveOneArrowFromTheFirst() throws IOException {
        StringWriter out = new StringWriter();
        PerfettoTraceWriter w = new PerfettoTraceWriter(out, "hand", 2, 1.0, PerfettoTraceWriter.Limits.NONE);
        w.event(10, 0, Event.IPI_SEND, 1, 3);
        w.event(20, 0, Event.IPI_SEND, 1, 3);
        w.slice(0, 0, 100, Phase.SHOOTDOWN, "send twice");
        w.event(150, 1, Event.IPI_ENTER, 0, 3);
        w.slice(1, 150, 200, Phase.HANDLER, "<IPI>");
        w.event(300, 0, Event.IPI_SEND, 1, 3);
        w.slice(0, 100, 400, Phase.SHOOTDOWN, "send again");
        w.event(450, 1, Event.IPI_ENTER, 0, 3);
        w.slice(1, 450, 500, Phase.HANDLER, "<IPI>");
        w.finish();

        TraceEventRules.Result r = TraceEventRules.check(JSON.readTree(out.toString()));
        assertThat(r.problems()).isEmpty();
        List<long[]> arrows = new ArrayList<>();
        for (Map.Entry<Long, JsonNode> e : r.flowStarts().entrySet()) {
            arrows.add(new long[] {TraceEventRules.ns(e.getValue().get("ts")), TraceEventRules.ns(r.flowEnds().get(e.getKey()).get("ts"))});
        }
        arrows.sort((a, b) -> Long.compare(a[0], b[0]));
        assertThat(arrows).containsExactly(new long[] {10, 150}, new long[] {300, 450});
    }

    @Test
    void theCapStopsTheTraceWhichStillParsesAndKeepsTheRules() throws IOException {
        Traced t = simulate("linux-ipi", "munmap", "skylake", 8, 0.0003, new PerfettoTraceWriter.Limits(500, 0, Double.POSITIVE_INFINITY), "cap.json");

        assertThat(t.rules().problems()).isEmpty();
        assertThat(t.writer().truncated()).isTrue();
        assertThat(t.writer().written()).isLessThanOrEqualTo(500).isGreaterThan(490);
        long timed = 0;
        for (JsonNode e : t.json().get("traceEvents")) {
            timed += e.get("ph").asText().equals("M") ? 0 : 1;
        }
        assertThat(timed).isEqualTo(t.writer().written());
        assertThat(t.json().get("otherData").get("truncated").asBoolean()).isTrue();
    }

    @Test
    void pastTheCapTheEngineBuildsNoLabelsAndTheTraceStillKeepsTheRules() throws IOException {
        Profile p = Profiles.byName("skylake");
        StringWriter out = new StringWriter();
        PerfettoTraceWriter w = new PerfettoTraceWriter(out, "cap", 8, p.ghz(), new PerfettoTraceWriter.Limits(200, 0, Double.POSITIVE_INFINITY));
        RecordingTrace trace = RecordingTrace.around(w);
        SimResult r = Simulation.run(Protocols.load("linux-ipi"), Workloads.byName("munmap"), Map.of(), 8, p, new SimOptions(0.0003, 1, trace));
        w.finish();

        assertThat(w.truncated()).isTrue();
        assertThat(w.written()).isEqualTo(200);
        long refused = trace.refusedFrom();
        assertThat(refused).as("the writer said no during the run").isLessThan(p.secondsToCycles(0.0001));
        assertThat(trace.slices.stream().filter(x -> x.start() >= refused).count()).as("slices reported after that").isGreaterThan(1000);
        assertThat(trace.labelledFrom(refused, 8)).isEmpty();
        assertThat(TraceEventRules.check(JSON.readTree(out.toString())).problems()).isEmpty();
    }

    @Test
    void wantsASliceUntilTheCapIsReachedOrTheWindowHasEnded() {
        // 1 GHz: the window is cycles 100 to 500.
        PerfettoTraceWriter w = new PerfettoTraceWriter(new StringWriter(), "wants", 1, 1.0, new PerfettoTraceWriter.Limits(2, 0.1, 0.5));
        assertThat(w.wants(0)).as("a slice before the window may reach into it").isTrue();
        assertThat(w.wants(499)).isTrue();
        assertThat(w.wants(500)).isFalse();
        w.event(150, 0, Event.TLB_MISS, 0, 0);
        assertThat(w.wants(200)).isTrue();
        w.event(250, 0, Event.TLB_MISS, 0, 0);
        assertThat(w.written()).isEqualTo(2);
        assertThat(w.wants(300)).as("the cap is reached").isFalse();
        w.finish();
    }

    @Test
    void theWindowKeepsOnlyItsTimeAndCutsSlicesAtItsEdges() throws IOException {
        Traced t = simulate("linux-ipi", "munmap", "skylake", 4, 0.0003, new PerfettoTraceWriter.Limits(Long.MAX_VALUE, 100, 150), "window.gz");

        assertThat(t.rules().problems()).isEmpty();
        int timed = 0;
        for (JsonNode e : t.json().get("traceEvents")) {
            if (e.get("ph").asText().equals("M")) {
                continue;
            }
            timed++;
            long start = TraceEventRules.ns(e.get("ts"));
            long end = start + (e.has("dur") ? TraceEventRules.ns(e.get("dur")) : 0);
            assertThat(start).as("%s", e).isBetween(100_000L, 150_000L);
            assertThat(end).as("%s", e).isBetween(100_000L, 150_000L);
        }
        assertThat(timed).isPositive();
        // Each CPU's track is covered from the window's start to its end.
        for (int c = 0; c < 4; c++) {
            List<TraceEventRules.Slice> s = t.rules().slices().get("1:" + c);
            assertThat(s.get(0).start()).isEqualTo(100_000);
            assertThat(s.get(s.size() - 1).end()).isEqualTo(150_000);
        }
    }

    @Test
    void labelsAreEscapedAndTimesHaveThreeDecimalsOfMicroseconds() throws IOException {
        StringWriter out = new StringWriter();
        PerfettoTraceWriter w = new PerfettoTraceWriter(out, "a \"quoted\" \\ process", 1, 2.1, PerfettoTraceWriter.Limits.NONE);
        w.slice(0, 0, 21, Phase.KERNEL, "x = \"y\" \\ z\t<&>");
        w.slice(0, 21, 2_100_021, Phase.USER, "compute(2100000)");
        w.finish();
        String text = out.toString();

        JsonNode json = JSON.readTree(text);
        assertThat(TraceEventRules.check(json).problems()).isEmpty();
        assertThat(json.get("traceEvents").get(0).get("args").get("name").asText()).isEqualTo("a \"quoted\" \\ process");
        assertThat(text).contains("\"name\":\"x = \\\"y\\\" \\\\ z <&>\"");
        // 21 cycles at 2.1 GHz are 10 ns; 2,100,000 cycles are 1 ms.
        assertThat(text).contains("\"ts\":0.000,\"dur\":0.010,").contains("\"ts\":0.010,\"dur\":1000.000,");
    }

    @Test
    void eventsReachTheFileAsTheRunGoesNotAtTheEnd() {
        long[] chars = {0};
        Writer counting = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                chars[0] += len;
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        PerfettoTraceWriter w = new PerfettoTraceWriter(counting, "stream", 1, 1.0, PerfettoTraceWriter.Limits.NONE);
        long before = chars[0];
        for (int i = 0; i < 1000; i++) {
            w.slice(0, 10L * i, 10L * i + 10, Phase.USER, "step");
        }
        assertThat(chars[0] - before).as("characters written before finish").isGreaterThan(999 * 60);
        w.finish();
    }
}
