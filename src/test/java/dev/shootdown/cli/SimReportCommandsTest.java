package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shootdown.report.TraceEventRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.shootdown.cli.SimulateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** simulate --trace and --html, and report over simulate --json files, from the command line. */
class SimReportCommandsTest {
    @TempDir
    Path dir;

    static org.w3c.dom.Document xml(Path file) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader(Files.readString(file))));
    }

    @Test
    void simulateWritesATraceThatKeepsTheRulesAndAnHtmlPageBesidesItsJson() throws Exception {
        Path trace = dir.resolve("t.json");
        Path html = dir.resolve("r.html");
        SimulateCommandTest.Out o = run("simulate", "protocols/linux-ipi.sd", "--workload", "munmap", "--cpus", "4", "--seconds", "0.0002",
                "--json", "--trace", trace.toString(), "--html", html.toString());

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(new ObjectMapper().readTree(o.out()).get("cpus").asInt()).as("stdout is still the JSON alone").isEqualTo(4);
        assertThat(o.err()).contains("trace: ", "events written to " + trace, "html: report written to " + html);
        JsonNode t = new ObjectMapper().readTree(trace.toFile());
        assertThat(TraceEventRules.check(t).problems()).isEmpty();
        assertThat(t.get("traceEvents").get(0).get("args").get("name").asText()).isEqualTo("protocols/linux-ipi.sd munmap, 4 CPUs, skylake, seed 1");
        var page = xml(html);
        assertThat(page.getElementsByTagName("svg").getLength()).as("four figures and the latency CDF").isEqualTo(5);
        assertThat(page.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("linux-ipi under munmap on 4 CPUs");
    }

    @Test
    void traceLimitAndWindowOptions() throws Exception {
        Path trace = dir.resolve("t.json");
        SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--seconds", "0.0002",
                "--trace", trace.toString(), "--trace-limit", "50");
        assertThat(o.code()).isZero();
        assertThat(o.err()).contains("trace: 50 events written", "--trace-limit");
        assertThat(TraceEventRules.check(new ObjectMapper().readTree(trace.toFile())).problems()).isEmpty();

        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--trace", trace.toString(),
                "--trace-from", "50", "--trace-until", "40")).satisfies(bad -> {
                    assertThat(bad.code()).isEqualTo(2);
                    assertThat(bad.err()).contains("--trace-from");
                });
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--seconds", "0.0002", "--trace-from", "50")).satisfies(bad -> {
            assertThat(bad.code()).as("a trace option without a trace is not ignored").isEqualTo(2);
            assertThat(bad.out()).isEmpty();
            assertThat(bad.err()).isEqualTo("shootdown: --trace-from shapes a trace, and none is written: add --trace OUT.json\n");
        });
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--trace", dir.resolve("no/such/dir/t.json").toString()))
                .satisfies(bad -> {
                    assertThat(bad.code()).isEqualTo(2);
                    assertThat(bad.err()).contains("cannot write", "no such directory");
                });
    }

    @Test
    void aSweepWithHtmlWritesThePageReportMakesOfItsJson() throws Exception {
        Path html = dir.resolve("sweep.html");
        SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,4", "--json",
                "--html", html.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(new ObjectMapper().readTree(o.out()).get("runs")).as("stdout is still the JSON alone").hasSize(2);
        assertThat(o.err()).endsWith("html: report of 2 runs written to " + html + "\n");
        String title = "linux-ipi under munmap: sweep cpus=2,4";
        assertThat(xml(html).getElementsByTagName("h1").item(0).getTextContent()).isEqualTo(title);

        Files.writeString(dir.resolve("sweep.json"), o.out());
        Path fromJson = dir.resolve("report.html");
        assertThat(run("report", dir.resolve("sweep.json").toString(), "--html", fromJson.toString(), "--title", title).code()).isZero();
        assertThat(Files.readString(html)).isEqualTo(Files.readString(fromJson));
    }

    @Test
    void reportReadsEachRunsSweepPointBesideItsResult() throws Exception {
        SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,4",
                "--sweep", "tick_hz=0,1000", "--json");
        assertThat(o.code()).as(o.err()).isZero();
        Path sweep = dir.resolve("sweep.json");
        Files.writeString(sweep, o.out());
        Path single = dir.resolve("single.json");
        Files.writeString(single, run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--json").out());

        assertThat(ReportCommand.read(sweep)).extracting(r -> r.cpus() + " " + r.point()).containsExactly(
                "2 {cpus=2, tick_hz=0}", "2 {cpus=2, tick_hz=1000}", "4 {cpus=4, tick_hz=0}", "4 {cpus=4, tick_hz=1000}");
        assertThat(ReportCommand.read(single)).singleElement().satisfies(r -> assertThat(r.point()).isEmpty());
    }

    @Test
    void aTickRateSweepIsPlottedAgainstTheTickRateFromTheRunsAndFromTheirJson() throws Exception {
        Path html = dir.resolve("ticks.html");
        SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "4", "--seconds", "0.0005",
                "--sweep", "tick_hz=0,250,1000", "--json", "--html", html.toString());
        assertThat(o.code()).as(o.err()).isZero();

        var page = xml(html);
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("(//*[local-name()='text'][@class='xlabel'])[1]", page)).isEqualTo("tick_hz");
        NodeList points = (NodeList) xpath.evaluate("(//*[local-name()='svg'])[1]//*[local-name()='g'][@class='series'][1]/*[@class='point']",
                page, XPathConstants.NODESET);
        List<String> xs = new ArrayList<>();
        for (int i = 0; i < points.getLength(); i++) {
            xs.add(((org.w3c.dom.Element) points.item(i)).getAttribute("data-x"));
        }
        assertThat(xs).containsExactly("0", "250", "1000");
        assertThat(xpath.evaluate("//*[local-name()='p'][@class='meta']", page)).contains("4 CPUs", "swept tick_hz 0 to 1000 (3 values)");

        // report reads each run's point back from the sweep's JSON, also where a hand-written file gives numbers.
        String title = "linux-ipi under munmap: sweep tick_hz=0,250,1000";
        Files.writeString(dir.resolve("ticks.json"), o.out());
        Files.writeString(dir.resolve("numbers.json"), o.out().replaceAll("\"tick_hz\" *: *\"(\\d+)\"", "\"tick_hz\": $1"));
        assertThat(Files.readString(dir.resolve("numbers.json"))).contains("\"tick_hz\": 250").doesNotContain("\"tick_hz\": \"250\"");
        for (String json : new String[] {"ticks.json", "numbers.json"}) {
            Path fromJson = dir.resolve(json + ".html");
            assertThat(run("report", dir.resolve(json).toString(), "--html", fromJson.toString(), "--title", title).code()).isZero();
            assertThat(Files.readString(fromJson)).as(json).isEqualTo(Files.readString(html));
        }
    }

    @Test
    void sweepJsonWithoutPointsIsStillPlottedAgainstTheCpus() throws Exception {
        SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002", "--sweep", "cpus=2,4", "--json");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode sweep = new ObjectMapper().readTree(o.out());
        Files.writeString(dir.resolve("with.json"), o.out());
        sweep.get("runs").forEach(r -> ((ObjectNode) r).remove("point"));
        Files.writeString(dir.resolve("without.json"), sweep.toString());

        Path with = dir.resolve("with.html");
        Path without = dir.resolve("without.html");
        assertThat(run("report", dir.resolve("with.json").toString(), "--html", with.toString()).code()).isZero();
        SimulateCommandTest.Out old = run("report", dir.resolve("without.json").toString(), "--html", without.toString());
        assertThat(old.code()).as(old.err()).isZero();

        // The same page, less the sweep's description.
        assertThat(Files.readString(with)).contains("; swept cpus 2 to 4 (2 values)");
        assertThat(Files.readString(without)).isEqualTo(Files.readString(with).replace("; swept cpus 2 to 4 (2 values)", ""));
        assertThat(Files.readString(without)).contains("CPUs (log scale)", ">2 CPUs</th>", ">4 CPUs</th>");
    }

    @Test
    void aSweepCutShortWritesThePageOfThePointsThatFinished() throws Exception {
        Path html = dir.resolve("sweep.html");
        SimulateCommandTest.Out o = run(MergeCommandTest.plus(SimulateCommandTest.FAILING_SWEEP, "--html", html.toString()));
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("html: report written to " + html);
        var page = xml(html);
        assertThat(page.getElementsByTagName("h1").item(0).getTextContent())
                .isEqualTo("linux-ipi under munmap: sweep cpus=2,1,3, partial: 1 of 3 points");
        assertThat(page.getElementsByTagName("svg").getLength()).isEqualTo(5);
    }

    @Test
    void aSweepRefusesTraceOptionsBeforeAnyRun() {
        Path trace = dir.resolve("t.json");
        for (String[] given : new String[][] {{"--trace", trace.toString()}, {"--trace-limit", "50"}}) {
            SimulateCommandTest.Out o = run(MergeCommandTest.plus(new String[] {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0002",
                    "--sweep", "cpus=2,4", "--sweep", "profile=milan,skylake", "--param", "user_cycles=500"}, given));
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).isEqualTo("shootdown: " + given[0] + " traces one run, not a sweep: trace a point on its own, "
                    + "e.g. with --cpus 2 --profile milan and no --sweep or --shard\n");
        }
        assertThat(trace).doesNotExist();
        assertThat(run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--shard", "1/2", "--trace", trace.toString()).err())
                .contains("e.g. with --cpus 2 and no --sweep or --shard");
    }

    @Test
    void reportGathersJsonResultsIntoATableAndAPage() throws Exception {
        for (int n : new int[] {2, 4}) {
            for (String p : new String[] {"linux-ipi", "dfly-cpusync"}) {
                SimulateCommandTest.Out o = run("simulate", p, "--workload", "munmap", "--cpus", Integer.toString(n), "--seconds", "0.0002", "--json");
                assertThat(o.code()).isZero();
                Files.writeString(dir.resolve(p + "-" + n + ".json"), o.out());
            }
        }
        // A file holding several results (as a sweep might write) counts as its results.
        String both = "{\"runs\": [" + Files.readString(dir.resolve("linux-ipi-2.json")) + "," + Files.readString(dir.resolve("dfly-cpusync-2.json")) + "]}";
        Files.writeString(dir.resolve("more.json"), both);
        Path html = dir.resolve("sweep.html");

        SimulateCommandTest.Out o = run("report", dir.resolve("linux-ipi-2.json").toString(), dir.resolve("linux-ipi-4.json").toString(),
                dir.resolve("dfly-cpusync-2.json").toString(), dir.resolve("dfly-cpusync-4.json").toString(), "--html", html.toString(), "--title", "Two & two");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out().lines().toList()).hasSize(5);
        // Lines are named by the protocols' titles.
        assertThat(o.out()).contains("Linux x86 IPI shootdown with lazy TLB", "DragonFly cpusync rendezvous");
        assertThat(o.err()).contains("report of 4 runs written to " + html);
        var page = xml(html);
        assertThat(page.getElementsByTagName("svg").getLength()).isEqualTo(5);
        assertThat(page.getElementsByTagName("h1").item(0).getTextContent()).isEqualTo("Two & two");
        assertThat(page.getElementsByTagName("polyline").getLength()).as("lines: latency 2x2, three plots 2 each, a CDF each").isEqualTo(12);

        SimulateCommandTest.Out wrapped = run("report", dir.resolve("more.json").toString());
        assertThat(wrapped.code()).isZero();
        assertThat(wrapped.out().lines().toList()).hasSize(3);
    }

    @Test
    void reportTellsRunsOnDifferentProfilesApartFromTheirJson() throws Exception {
        for (String p : new String[] {"skylake", "milan"}) {
            SimulateCommandTest.Out o = run("simulate", "linux-ipi", "--workload", "munmap", "--cpus", "2", "--seconds", "0.0002", "--profile", p, "--json");
            assertThat(o.code()).isZero();
            Files.writeString(dir.resolve(p + ".json"), o.out());
        }
        SimulateCommandTest.Out o = run("report", dir.resolve("skylake.json").toString(), dir.resolve("milan.json").toString());

        assertThat(o.code()).as(o.err()).isZero();
        String title = "Linux x86 IPI shootdown with lazy TLB (flush_tlb_mm_range, simplified)";
        assertThat(o.out().lines().skip(1).map(l -> l.split("  ")[0])).containsExactly(title + " (skylake)", title + " (milan)");
    }

    @Test
    void reportOfSomethingElseIsBadInput() throws Exception {
        Files.writeString(dir.resolve("x.json"), "{\"hello\": 1}");
        Files.writeString(dir.resolve("y.json"), "not json");
        assertThat(run("report", dir.resolve("x.json").toString())).satisfies(o -> {
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.err()).contains("x.json: no simulate --json result");
        });
        assertThat(run("report", dir.resolve("y.json").toString()).err()).contains("y.json: not JSON");
        assertThat(run("report", dir.resolve("z.json").toString()).err()).contains("z.json: no such file");
        assertThat(run("report").code()).isEqualTo(2);
    }
}
