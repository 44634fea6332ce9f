package dev.shootdown.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.sim.Metric;
import dev.shootdown.sim.Metrics;
import dev.shootdown.sim.Profiles;
import dev.shootdown.sim.Protocols;
import dev.shootdown.sim.SimOptions;
import dev.shootdown.sim.SimResult;
import dev.shootdown.sim.Simulation;
import dev.shootdown.sim.Workloads;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.shootdown.report.HtmlCounterexampleTest.nodes;
import static dev.shootdown.report.HtmlCounterexampleTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The sweep page: well-formed, four plots with a line per protocol (two for latency: p50 and p99) and a point per run, every metric in a table. */
class HtmlSimReportTest {
    static final int[] CPUS = {2, 4, 8, 16, 32};

    /** A made-up run whose figures grow with the CPU count, different per protocol. */
    static RunSummary run(String protocol, int cpus, double scale) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Double> lat = new LinkedHashMap<>();
        lat.put("p50", scale * cpus);
        lat.put("p99", scale * cpus * 1.5);
        lat.put("max", scale * cpus * 2);
        lat.put("mean", scale * cpus);
        lat.put("count", 100.0);
        m.put("shootdown_latency_us", lat);
        m.put("ipis_per_second", scale * 1e5 * cpus);
        m.put("throughput_ops_per_second", 1e6 / cpus);
        m.put("shootdown_cpu_share", 0.01 * scale * Math.log(cpus));
        return new RunSummary(protocol, "munmap", "skylake", cpus, 1, 0.01, m, Map.of());
    }

    static List<RunSummary> sweep() {
        List<RunSummary> runs = new ArrayList<>();
        for (int n : CPUS) {
            runs.add(run("linux-ipi", n, 1));
            runs.add(run("invlpgb", n, 0.1));
        }
        return runs;
    }

    @Test
    void aSweepIsFourPlotsWithALinePerProtocolAndAPointPerRun() {
        Document page = parse(HtmlSimReport.page(sweep(), "A sweep & more"));

        List<Node> plots = nodes(page, "//svg");
        assertThat(plots).hasSize(4);
        assertThat(plots.stream().map(p -> nodes(p, ".//text[@class='title']").get(0).getTextContent()))
                .containsExactly("Shootdown latency", "IPIs per second", "Throughput", "CPU time in shootdowns");
        for (int i = 0; i < plots.size(); i++) {
            List<Node> series = nodes(plots.get(i), ".//g[@class='series']");
            assertThat(series).as("lines of plot %d", i).hasSize(i == 0 ? 4 : 2);
            for (Node s : series) {
                assertThat(nodes(s, ".//*[@class='point']")).hasSize(CPUS.length);
                assertThat(nodes(s, ".//polyline")).hasSize(1);
            }
            assertThat(nodes(plots.get(i), ".//text[@class='xtick']").stream().map(Node::getTextContent)).containsExactly("2", "4", "8", "16", "32");
            assertThat(nodes(plots.get(i), ".//text[@class='xlabel']").get(0).getTextContent()).isEqualTo("CPUs (log scale)");
            assertThat(nodes(plots.get(i), ".//text[@class='legend-name']").stream().map(Node::getTextContent)).containsExactly("linux-ipi", "invlpgb");
        }
        // Latency: p50 solid and p99 dashed, in the protocol's colour; the values are the runs'.
        List<Node> lat = nodes(plots.get(0), ".//g[@class='series']");
        assertThat(lat.stream().map(n -> ((Element) n).getAttribute("data-name") + " " + ((Element) n).getAttribute("data-variant")))
                .containsExactly("linux-ipi p50", "invlpgb p50", "linux-ipi p99", "invlpgb p99");
        assertThat(nodes(lat.get(2), ".//*[@class='point']").stream().map(n -> ((Element) n).getAttribute("data-y")))
                .containsExactly("3", "6", "12", "24", "48");
        assertThat(((Element) nodes(lat.get(0), ".//polyline").get(0)).getAttribute("stroke"))
                .isEqualTo(((Element) nodes(lat.get(2), ".//polyline").get(0)).getAttribute("stroke"));
        // Shares are plotted in percent.
        double share = Double.parseDouble(((Element) nodes(plots.get(3), ".//g[@class='series'][1]//*[@class='point']").get(0)).getAttribute("data-y"));
        assertThat(share).isCloseTo(100 * 0.01 * Math.log(2), within(1e-3));
        assertThat(page.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("A sweep & more");
    }

    @Test
    void everyMetricOfEveryRunIsInItsProtocolsTable() {
        Document page = parse(HtmlSimReport.page(sweep(), "t"));

        List<Node> tables = nodes(page, "//table[@class='metrics']");
        assertThat(tables).hasSize(2);
        assertThat(nodes(tables.get(0), ".//caption").get(0).getTextContent()).isEqualTo("linux-ipi");
        assertThat(nodes(tables.get(0), ".//thead//th").stream().map(Node::getTextContent))
                .containsExactly("metric", "unit", "2 CPUs", "4 CPUs", "8 CPUs", "16 CPUs", "32 CPUs");
        // Five parts of the latency map, three scalars: eight rows.
        assertThat(nodes(tables.get(0), ".//tbody/tr")).hasSize(8);
        Node p99 = nodes(tables.get(0), ".//tbody/tr[th='shootdown_latency_us p99']").get(0);
        assertThat(nodes(p99, "./td").stream().map(Node::getTextContent)).containsExactly("us", "3.00", "6.00", "12.0", "24.0", "48.0");
        // Definitions come from the registry.
        assertThat(nodes(page, "//dl[@class='defs']/dt")).hasSize(Metrics.ALL.size());
    }

    @Test
    void linesAreToldApartByWhatDiffersBetweenRuns() {
        List<RunSummary> runs = List.of(
                new RunSummary("linux-ipi", "munmap", "skylake", 4, 1, 0.01, Map.of(), Map.of()),
                new RunSummary("linux-ipi", "munmap", "milan", 4, 1, 0.01, Map.of(), Map.of()),
                new RunSummary("linux-ipi", "munmap", "milan", 8, 1, 0.01, Map.of(), Map.of()));
        assertThat(SweepLayout.of(runs).lines().keySet()).containsExactly("linux-ipi (skylake)", "linux-ipi (milan)");
        assertThat(SweepLayout.of(runs).lines().get("linux-ipi (milan)")).extracting(RunSummary::cpus).containsExactly(4, 8);
    }

    @Test
    void aRunsJsonReadsBackToTheSameMetricsAndMakesAPage() throws Exception {
        SimResult r = Simulation.run(Protocols.load("linux-ipi"), Workloads.byName("munmap"), Map.of(), 4, Profiles.byName("skylake"), SimOptions.of(0.0005, 1));
        String json = new ObjectMapper().writeValueAsString(SimReport.json(r));

        RunSummary back = RunSummary.fromJson(new ObjectMapper().readValue(json, Map.class), Map.of());

        assertThat(back.protocol()).isEqualTo("linux-ipi");
        assertThat(back.cpus()).isEqualTo(4);
        assertThat(back.metrics().keySet()).containsExactlyElementsOf(Metrics.ALL.stream().map(Metric::name).toList());
        assertThat(back.metrics()).isEqualTo(RunSummary.of(r).metrics());
        Document page = parse(HtmlSimReport.page(List.of(back), "one run"));
        assertThat(nodes(page, "//svg")).as("four figures and the latency CDF").hasSize(5);
        assertThat(nodes(page, "(//svg)[1]//*[@class='point']")).hasSize(2);
    }

    /** {@link #run} at 16 CPUs, as the sweep point {@code point} made it. */
    static RunSummary at(String protocol, double scale, Map<String, String> point) {
        RunSummary r = run(protocol, 16, scale * (1 + Double.parseDouble(point.getOrDefault("tick_hz", "0")) / 1000));
        return new RunSummary(r.protocol(), r.workload(), r.profile(), r.cpus(), r.seed(), r.simulatedSeconds(), r.metrics(), point);
    }

    static List<String> attrs(List<Node> nodes, String name) {
        return nodes.stream().map(n -> ((Element) n).getAttribute(name)).toList();
    }

    @Test
    void aSweepOfTickRatesPutsItsPointsAtTheirTickRates() {
        List<RunSummary> runs = new ArrayList<>();
        for (String hz : List.of("0", "250", "1000")) {
            runs.add(at("linux-ipi", 1, Map.of("tick_hz", hz)));
        }
        Document page = parse(HtmlSimReport.page(runs, "ticks"));

        for (Node plot : nodes(page, "//svg")) {
            assertThat(nodes(plot, ".//text[@class='xlabel']").get(0).getTextContent()).isEqualTo("tick_hz");
            for (Node line : nodes(plot, ".//g[@class='series']")) {
                List<Node> pts = nodes(line, ".//*[@class='point']");
                assertThat(attrs(pts, "data-x")).containsExactly("0", "250", "1000");
                assertThat(attrs(pts, "cx").stream().map(Double::parseDouble)).as("three places, left to right").isSorted().doesNotHaveDuplicates();
            }
        }
        assertThat(nodes(page, "//table[@class='metrics']//thead//th").stream().map(Node::getTextContent))
                .containsExactly("metric", "unit", "tick_hz 0", "tick_hz 250", "tick_hz 1000");
        assertThat(nodes(page, "//p[@class='meta']").get(0).getTextContent())
                .isEqualTo("3 runs: protocol linux-ipi; workload munmap; profile skylake; 16 CPUs; 0.01 simulated s each; swept tick_hz 0 to 1000 (3 values)");
    }

    @Test
    void aSweepOfCpusAndTickRatesHasALinePerProtocolAndTickRate() {
        List<RunSummary> runs = new ArrayList<>();
        for (int n : CPUS) {
            for (String hz : List.of("0", "1000")) {
                for (String p : List.of("linux-ipi", "invlpgb")) {
                    RunSummary r = run(p, n, hz.equals("0") ? 1 : 2);
                    runs.add(new RunSummary(p, r.workload(), r.profile(), n, r.seed(), r.simulatedSeconds(), r.metrics(),
                            Map.of("cpus", Integer.toString(n), "tick_hz", hz)));
                }
            }
        }
        Document page = parse(HtmlSimReport.page(runs, "grid"));

        Node ipis = nodes(page, "//svg").get(1);
        assertThat(nodes(ipis, ".//text[@class='legend-name']").stream().map(Node::getTextContent))
                .containsExactly("linux-ipi (tick_hz 0)", "invlpgb (tick_hz 0)", "linux-ipi (tick_hz 1000)", "invlpgb (tick_hz 1000)");
        for (Node line : nodes(ipis, ".//g[@class='series']")) {
            List<Node> pts = nodes(line, ".//*[@class='point']");
            assertThat(attrs(pts, "data-x")).containsExactly("2", "4", "8", "16", "32");
            // No zig-zag: each line's IPIs grow with the CPUs, as every run of it does.
            assertThat(attrs(pts, "data-y").stream().map(Double::parseDouble)).isSorted().doesNotHaveDuplicates();
        }
        assertThat(nodes(page, "//table[@class='metrics']/caption").stream().map(Node::getTextContent))
                .containsExactly("linux-ipi (tick_hz 0)", "invlpgb (tick_hz 0)", "linux-ipi (tick_hz 1000)", "invlpgb (tick_hz 1000)");
        assertThat(nodes(page, "(//table[@class='metrics'])[1]//thead//th").stream().map(Node::getTextContent))
                .containsExactly("metric", "unit", "2 CPUs", "4 CPUs", "8 CPUs", "16 CPUs", "32 CPUs");
    }

    @Test
    void sweepTableHasARowPerRunGroupedByLine() {
        String text = SweepTable.text(sweep());
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(1 + 2 * CPUS.length);
        assertThat(lines.get(0)).startsWith("line").contains("CPUs", "latency (us) p50", "latency (us) p99", "IPIs / s", "operations / s");
        assertThat(lines.get(1)).startsWith("linux-ipi").contains(" 2 ");
        assertThat(lines.get(1 + CPUS.length)).startsWith("invlpgb");

        List<RunSummary> ticks = List.of(at("linux-ipi", 1, Map.of("tick_hz", "1000")), at("linux-ipi", 1, Map.of("tick_hz", "0")));
        assertThat(SweepTable.text(ticks).lines().map(l -> l.split(" +"))).extracting(cells -> cells[0] + " " + cells[1])
                .containsExactly("line tick_hz", "linux-ipi 0", "linux-ipi 1000");
    }

    @Test
    void aPointUnderSeveralSeedsIsDrawnWithItsIntervalAndTabledAsMeanPlusMinus() {
        RunSummary r = run("linux-ipi", 4, 1);
        Map<String, Spread> spreads = Map.of("shootdown_latency_us.p50", Spread.of(List.of(3.0, 4.0, 5.0)), "ipis_per_second", Spread.of(List.of(1e5, 3e5)));
        RunSummary seeded = new RunSummary(r.protocol(), r.workload(), r.profile(), r.cpus(), r.seed(), r.simulatedSeconds(), r.metrics(), Map.of(), Map.of(),
                "A protocol & its title", spreads, Map.of("shootdown_latency_us", List.of(new double[] {1, 0.5}, new double[] {2, 1})));
        Document page = parse(HtmlSimReport.page(List.of(seeded), "seeds"));

        Element p50 = (Element) nodes(page, "(//svg)[1]//g[@class='series'][@data-variant='p50']/*[@class='point']").get(0);
        // t(0.975, 2) = 4.303 times 1 / sqrt(3).
        double half = 4.303 / Math.sqrt(3);
        assertThat(Double.parseDouble(p50.getAttribute("data-low"))).isCloseTo(4 - half, within(1e-3));
        assertThat(Double.parseDouble(p50.getAttribute("data-high"))).isCloseTo(4 + half, within(1e-3));
        assertThat(nodes(page, "(//svg)[1]//*[@class='errorbar']")).as("only p50 has a spread").hasSize(1);
        Node row = nodes(page, "//table[@class='metrics']//tbody/tr[th='shootdown_latency_us p50']").get(0);
        assertThat(nodes(row, "./td").get(1).getTextContent()).isEqualTo("4.00 ± 2.48");
        // Lines are the protocol's title; the CDF is its own figure.
        assertThat(nodes(page, "(//svg)[1]//text[@class='legend-name']").get(0).getTextContent()).isEqualTo("A protocol & its title");
        List<Node> plots = nodes(page, "//svg");
        assertThat(plots).hasSize(5);
        assertThat(nodes(plots.get(4), ".//text[@class='title']").get(0).getTextContent()).isEqualTo("Shootdown latency distribution at 4 CPUs");
        assertThat(nodes(plots.get(4), ".//text[@class='ylabel']").get(0).getTextContent()).isEqualTo("% of shootdowns at or below");
        assertThat(attrs(nodes(plots.get(4), ".//*[@class='point']"), "data-y")).as("the step from 0, then the points in percent").containsExactly("0", "50", "100");
    }

    @Test
    void aLatencysCountIsTabledAsACountNotInMicroseconds() {
        Document page = parse(HtmlSimReport.page(sweep(), "t"));
        Node count = nodes(page, "//table[@class='metrics'][1]//tbody/tr[th='shootdown_latency_us count']").get(0);
        assertThat(nodes(count, "./td").get(0).getTextContent()).isEqualTo("count");
        Node p50 = nodes(page, "//table[@class='metrics'][1]//tbody/tr[th='shootdown_latency_us p50']").get(0);
        assertThat(nodes(p50, "./td").get(0).getTextContent()).isEqualTo("us");
    }
}
