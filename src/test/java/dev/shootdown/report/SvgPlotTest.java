package dev.shootdown.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;

import static dev.shootdown.report.HtmlCounterexampleTest.nodes;
import static dev.shootdown.report.HtmlCounterexampleTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The plot's axes, golden-ish: which ticks, labelled how, placed where; and where the points land on them. */
class SvgPlotTest {
    static final double[] CPUS = {2, 4, 8, 16, 32, 64};

    static SvgPlot.Series line(String name, String variant, double... ys) {
        List<SvgPlot.Point> pts = new ArrayList<>();
        for (int i = 0; i < ys.length; i++) {
            pts.add(new SvgPlot.Point(CPUS[i], ys[i]));
        }
        return new SvgPlot.Series(name, variant, "#0072B2", variant.equals("p99"), pts);
    }

    static List<String> texts(Document svg, String cls) {
        return nodes(svg, "//*[@class='" + cls + "']").stream().map(Node::getTextContent).toList();
    }

    static double attr(Node n, String name) {
        return Double.parseDouble(((Element) n).getAttribute(name));
    }

    @Test
    void cpuCountsGoOnALog2AxisWithAPowerOfTwoTickEach() {
        Document svg = parse(new SvgPlot("Latency", SvgPlot.XAxis.CPUS, "latency (us)",
                List.of(line("linux-ipi", "", 0.4, 0.9, 1.2, 1.5, 2.0, 2.3))).svg());

        assertThat(texts(svg, "xtick")).containsExactly("2", "4", "8", "16", "32", "64");
        assertThat(texts(svg, "ytick")).containsExactly("0", "0.5", "1", "1.5", "2", "2.5");
        assertThat(texts(svg, "xlabel")).containsExactly("CPUs (log scale)");
        assertThat(texts(svg, "ylabel")).containsExactly("latency (us)");
        assertThat(texts(svg, "title")).containsExactly("Latency");

        // Doubling the CPUs moves right by the same distance; the ticks span the plot area.
        List<Node> xt = nodes(svg, "//*[@class='xtick']");
        double step = attr(xt.get(1), "x") - attr(xt.get(0), "x");
        for (int i = 1; i < xt.size(); i++) {
            assertThat(attr(xt.get(i), "x") - attr(xt.get(i - 1), "x")).isCloseTo(step, within(0.11));
        }
        assertThat(attr(xt.get(0), "x")).isCloseTo(SvgPlot.LEFT, within(0.11));
        assertThat(attr(xt.get(xt.size() - 1), "x")).isCloseTo(SvgPlot.WIDTH - SvgPlot.RIGHT, within(0.11));

        // Each point sits above its CPU count's tick, at its height on the y axis (0 at the bottom, 2.5 at the top).
        List<Node> pts = nodes(svg, "//*[@class='point']");
        assertThat(pts).hasSize(6);
        double bottom = SvgPlot.TOP + SvgPlot.PLOT_HEIGHT;
        for (int i = 0; i < pts.size(); i++) {
            assertThat(attr(pts.get(i), "cx")).isCloseTo(attr(xt.get(i), "x"), within(0.11));
            double y = attr(pts.get(i), "data-y");
            assertThat(attr(pts.get(i), "cy")).isCloseTo(bottom - y / 2.5 * SvgPlot.PLOT_HEIGHT, within(0.11));
        }
        assertThat(attr(pts.get(5), "data-y")).isEqualTo(2.3);
    }

    @Test
    void largeValuesAreLabelledWithSiSuffixes() {
        Document svg = parse(new SvgPlot("IPIs", SvgPlot.XAxis.CPUS, "IPIs / s",
                List.of(line("a", "", 1e5, 2e6, 5.2e6))).svg());
        assertThat(texts(svg, "ytick")).containsExactly("0", "2M", "4M", "6M");
        assertThat(texts(svg, "xtick")).containsExactly("2", "4", "8");

        Document k = parse(new SvgPlot("ops", SvgPlot.XAxis.CPUS, "ops", List.of(line("a", "", 12_000, 47_000))).svg());
        assertThat(texts(k, "ytick")).containsExactly("0", "10k", "20k", "30k", "40k", "50k");
    }

    @Test
    void oneRunGetsAPowerOfTwoOnEachSideAndManyCpuCountsEveryOtherPower() {
        Document one = parse(new SvgPlot("t", SvgPlot.XAxis.CPUS, "y", List.of(new SvgPlot.Series("a", "", "#000", false,
                List.of(new SvgPlot.Point(16, 3))))).svg());
        assertThat(texts(one, "xtick")).containsExactly("8", "16", "32");
        assertThat(nodes(one, "//polyline")).as("no line through a single point").isEmpty();
        assertThat(nodes(one, "//*[@class='point']")).hasSize(1);

        Document wide = parse(new SvgPlot("t", SvgPlot.XAxis.CPUS, "y", List.of(new SvgPlot.Series("a", "", "#000", false,
                List.of(new SvgPlot.Point(1, 1), new SvgPlot.Point(4096, 2))))).svg());
        assertThat(texts(wide, "xtick")).containsExactly("1", "4", "16", "64", "256", "1024", "4096");
    }

    @Test
    void seriesAreGroupsWithAPointPerFiniteValueAndTheLegendHasANamePerColourAndAStylePerVariant() {
        Document svg = parse(new SvgPlot("Latency", SvgPlot.XAxis.CPUS, "us", List.of(
                line("linux-ipi", "p50", 1, 2, 3, 4),
                line("invlpgb", "p50", 0.2, Double.NaN, 0.3, 0.3),
                line("linux-ipi", "p99", 2, 3, 4, 6),
                line("invlpgb", "p99", 0.3, Double.NaN, 0.4, 0.5))).svg());

        List<Node> series = nodes(svg, "//*[@class='series']");
        assertThat(series).hasSize(4);
        assertThat(series.stream().map(n -> ((Element) n).getAttribute("data-name") + "/" + ((Element) n).getAttribute("data-variant")))
                .containsExactly("linux-ipi/p50", "invlpgb/p50", "linux-ipi/p99", "invlpgb/p99");
        assertThat(nodes(series.get(0), ".//*[@class='point']")).hasSize(4);
        assertThat(nodes(series.get(1), ".//*[@class='point']")).as("NaN is a gap").hasSize(3);
        assertThat(((Element) nodes(series.get(2), ".//polyline").get(0)).getAttribute("stroke-dasharray")).isNotEmpty();
        assertThat(((Element) nodes(series.get(0), ".//polyline").get(0)).hasAttribute("stroke-dasharray")).isFalse();
        assertThat(texts(svg, "legend-name")).containsExactly("linux-ipi", "invlpgb");
        assertThat(texts(svg, "legend-variant")).containsExactly("p50", "p99");
    }

    static SvgPlot.Series at(double[] xs, double... ys) {
        List<SvgPlot.Point> pts = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            pts.add(new SvgPlot.Point(xs[i], ys[i]));
        }
        return new SvgPlot.Series("linux-ipi", "", "#0072B2", false, pts);
    }

    @Test
    void aLinearXAxisStartsAtZeroAndPlacesEachValueInProportion() {
        SvgPlot.XAxis hz = new SvgPlot.XAxis("tick_hz", SvgPlot.Scale.LINEAR, "tick_hz ", "");
        Document svg = parse(new SvgPlot("t", hz, "y", List.of(at(new double[] {1000, 0, 250}, 3, 1, 2))).svg());

        assertThat(texts(svg, "xtick")).containsExactly("0", "200", "400", "600", "800", "1000");
        assertThat(texts(svg, "xlabel")).containsExactly("tick_hz");
        List<Node> pts = nodes(svg, "//*[@class='point']");
        assertThat(pts.stream().map(n -> ((Element) n).getAttribute("data-x"))).as("sorted by x").containsExactly("0", "250", "1000");
        double left = SvgPlot.LEFT;
        double width = SvgPlot.WIDTH - SvgPlot.RIGHT - left;
        assertThat(attr(pts.get(0), "cx")).isCloseTo(left, within(0.11));
        assertThat(attr(pts.get(1), "cx")).isCloseTo(left + width / 4, within(0.11));
        assertThat(attr(pts.get(2), "cx")).isCloseTo(left + width, within(0.11));
        assertThat(nodes(pts.get(1), "./title").get(0).getTextContent()).startsWith("linux-ipi: tick_hz 250, 2 ");
    }

    @Test
    void aLog10XAxisHasATickPerPowerOfTenWithSiSuffixes() {
        SvgPlot.XAxis cycles = new SvgPlot.XAxis("user_cycles (log scale)", SvgPlot.Scale.LOG10, "user_cycles ", "");
        Document svg = parse(new SvgPlot("t", cycles, "y", List.of(at(new double[] {1000, 10_000, 100_000, 1_000_000}, 1, 2, 3, 4))).svg());

        assertThat(texts(svg, "xtick")).containsExactly("1k", "10k", "100k", "1M");
        List<Node> xt = nodes(svg, "//*[@class='xtick']");
        List<Node> pts = nodes(svg, "//*[@class='point']");
        for (int i = 0; i < pts.size(); i++) {
            assertThat(attr(pts.get(i), "cx")).isCloseTo(attr(xt.get(i), "x"), within(0.11));
        }
        assertThat(texts(parse(new SvgPlot("t", cycles, "y", List.of(at(new double[] {0.002, 0.5}, 1, 2))).svg()), "xtick"))
                .containsExactly("0.001", "0.01", "0.1", "1");
    }

    @Test
    void textIsEscaped() {
        String svg = new SvgPlot("a < b & \"c\"", SvgPlot.XAxis.CPUS, "y", List.of(line("<proto>", "", 1, 2))).svg();
        Document doc = parse(svg);
        assertThat(texts(doc, "title")).containsExactly("a < b & \"c\"");
        assertThat(texts(doc, "legend-name")).containsExactly("<proto>");
    }

    @Test
    void pointsWithASpreadHaveErrorBarsAndCoincidingLinesKeepApart() {
        List<SvgPlot.Point> a = List.of(new SvgPlot.Point(2, 1.0, 0.8, 1.2), new SvgPlot.Point(4, 2.0, 1.5, 3.0));
        List<SvgPlot.Point> b = List.of(new SvgPlot.Point(2, 1.0, 0.9, 1.1), new SvgPlot.Point(4, 2.0, 1.9, 2.1));
        Document svg = parse(new SvgPlot("Latency", SvgPlot.XAxis.CPUS, "latency (us)",
                List.of(new SvgPlot.Series("one", "", "#0072B2", false, a), new SvgPlot.Series("two", "", "#D55E00", false, b))).svg());

        List<Node> series = nodes(svg, "//*[@class='series']");
        List<Node> first = nodes(series.get(0), ".//*[@class='point']");
        List<Node> second = nodes(series.get(1), ".//*[@class='point']");
        // Another marker shape per line, each with its interval.
        assertThat(first.get(0).getNodeName()).isEqualTo("circle");
        assertThat(second.get(0).getNodeName()).isEqualTo("path");
        assertThat(((Element) first.get(1)).getAttribute("data-low")).isEqualTo("1.5");
        assertThat(((Element) first.get(1)).getAttribute("data-high")).isEqualTo("3");
        assertThat(nodes(svg, "//*[@class='errorbar']")).hasSize(4);
        // The y axis reaches the highest bar's top.
        assertThat(texts(svg, "ytick")).last().isEqualTo("3");
        // Dodged: the same x, a few pixels apart; the earlier line drawn wider under the later one.
        double x1 = attr(first.get(0), "cx");
        String t = ((Element) second.get(0)).getAttribute("transform");
        double x2 = Double.parseDouble(t.substring("translate(".length(), t.indexOf(' ')));
        assertThat(x2 - x1).isCloseTo(SvgPlot.DODGE, within(0.11));
        assertThat(attr(nodes(series.get(0), ".//polyline").get(0), "stroke-width")).isGreaterThan(attr(nodes(series.get(1), ".//polyline").get(0), "stroke-width"));
        // The legend shows each line's marker.
        assertThat(nodes(svg, "//*[@class='key']")).hasSize(2);
    }

    @Test
    void aLongNameWrapsInTheLegendAndStaysWhole() {
        String name = "Linux x86 IPI shootdown with lazy TLB (flush_tlb_mm_range, simplified) (skylake, tick_hz 1000, batch 16)";
        Document svg = parse(new SvgPlot("t", SvgPlot.XAxis.CPUS, "y", List.of(line(name, "", 1, 2))).svg());

        assertThat(texts(svg, "legend-name")).containsExactly(name);
        assertThat(nodes(svg, "//*[@class='legend-name']/*[local-name()='tspan']")).hasSizeGreaterThan(1);
        assertThat(SvgPlot.wrap(name, 40)).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(40));
        assertThat(String.join(" ", SvgPlot.wrap(name, 40))).isEqualTo(name);
    }
}
