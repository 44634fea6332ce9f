package dev.shootdown.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which quantity is x and which runs make a line, from what the runs were. */
class SweepLayoutTest {
    /** A run of {@code protocol} at a sweep point written {@code "axis=v axis=v"}; cpus, seed and profile in the point are the run's too. */
    static RunSummary at(String protocol, String point) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : point.split(" ")) {
            p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return new RunSummary(protocol, "munmap", p.getOrDefault("profile", "skylake"), Integer.parseInt(p.getOrDefault("cpus", "16")),
                Long.parseLong(p.getOrDefault("seed", "1")), 0.01, Map.of(), p);
    }

    static List<RunSummary> grid(String protocol, String axisA, List<String> as, String axisB, List<String> bs) {
        List<RunSummary> runs = new ArrayList<>();
        for (String a : as) {
            for (String b : bs) {
                runs.add(at(protocol, axisA + "=" + a + " " + axisB + "=" + b));
            }
        }
        return runs;
    }

    static Map<String, List<Double>> xsByLine(SweepLayout layout) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        layout.lines().forEach((name, runs) -> out.put(name, runs.stream().map(r -> layout.x().applyAsDouble(r)).toList()));
        return out;
    }

    @Test
    void cpusVaryingAreXAsBefore() {
        SweepLayout l = SweepLayout.of(List.of(at("linux-ipi", "cpus=8"), at("linux-ipi", "cpus=2"), at("linux-ipi", "cpus=4")));
        assertThat(l.axis()).isEqualTo(SvgPlot.XAxis.CPUS);
        assertThat(l.xName()).isEqualTo("CPUs");
        assertThat(xsByLine(l)).containsExactly(Map.entry("linux-ipi", List.of(2.0, 4.0, 8.0)));
    }

    @Test
    void atOneCpuCountTheFirstNumericAxisThatVariesIsX() {
        List<RunSummary> runs = grid("linux-ipi", "profile", List.of("skylake", "milan"), "tick_hz", List.of("1000", "0", "250"));
        SweepLayout l = SweepLayout.of(runs);

        assertThat(l.xName()).isEqualTo("tick_hz");
        assertThat(l.axis().label()).isEqualTo("tick_hz");
        assertThat(l.axis().scale()).as("a zero is on the axis").isEqualTo(SvgPlot.Scale.LINEAR);
        assertThat(l.axis().name(250)).isEqualTo("tick_hz 250");
        assertThat(xsByLine(l)).containsExactly(
                Map.entry("linux-ipi (skylake)", List.of(0.0, 250.0, 1000.0)),
                Map.entry("linux-ipi (milan)", List.of(0.0, 250.0, 1000.0)));
    }

    @Test
    void aLogScaleOnlyForPositiveValuesSpanningTwoDecadesOrMore() {
        SweepLayout under = SweepLayout.of(List.of(at("a", "user_cycles=1000"), at("a", "user_cycles=50000")));
        assertThat(under.axis().scale()).isEqualTo(SvgPlot.Scale.LINEAR);
        assertThat(under.axis().label()).isEqualTo("user_cycles");

        SweepLayout two = SweepLayout.of(List.of(at("a", "user_cycles=1000"), at("a", "user_cycles=10000"), at("a", "user_cycles=100000")));
        assertThat(two.axis().scale()).isEqualTo(SvgPlot.Scale.LOG10);

        SweepLayout three = SweepLayout.of(List.of(at("a", "user_cycles=1000"), at("a", "user_cycles=1000000")));
        assertThat(three.axis().scale()).isEqualTo(SvgPlot.Scale.LOG10);
        assertThat(three.axis().label()).isEqualTo("user_cycles (log scale)");

        SweepLayout withZero = SweepLayout.of(List.of(at("a", "user_cycles=0"), at("a", "user_cycles=1000000")));
        assertThat(withZero.axis().scale()).isEqualTo(SvgPlot.Scale.LINEAR);
    }

    @Test
    void everyOtherAxisThatVariesSplitsTheLinesSoNoLineMixesRuns() {
        List<RunSummary> runs = new ArrayList<>(grid("linux-ipi", "cpus", List.of("2", "4", "8"), "tick_hz", List.of("0", "1000")));
        runs.addAll(grid("invlpgb", "cpus", List.of("2", "4", "8"), "tick_hz", List.of("0", "1000")));
        SweepLayout l = SweepLayout.of(runs);

        assertThat(l.xName()).isEqualTo("CPUs");
        assertThat(xsByLine(l)).containsExactly(
                Map.entry("linux-ipi (tick_hz 0)", List.of(2.0, 4.0, 8.0)),
                Map.entry("linux-ipi (tick_hz 1000)", List.of(2.0, 4.0, 8.0)),
                Map.entry("invlpgb (tick_hz 0)", List.of(2.0, 4.0, 8.0)),
                Map.entry("invlpgb (tick_hz 1000)", List.of(2.0, 4.0, 8.0)));
        l.lines().forEach((name, line) -> assertThat(line.stream().map(r -> r.point().get("tick_hz")).distinct()).as(name).hasSize(1));
    }

    @Test
    void anAxisOfOneValueNamesNoLineAndOnlyNonNumericAxesLeaveXAtTheCpus() {
        SweepLayout l = SweepLayout.of(List.of(at("a", "tick_hz=250 profile=skylake"), at("a", "tick_hz=250 profile=milan"),
                at("a", "tick_hz=250 profile=p3")));
        assertThat(l.axis()).isEqualTo(SvgPlot.XAxis.CPUS);
        assertThat(l.lines().keySet()).containsExactly("a (skylake)", "a (milan)", "a (p3)");
    }

    @Test
    void aSeedAxisIsXAndNotAlsoInTheLinesName() {
        SweepLayout l = SweepLayout.of(List.of(at("a", "seed=1"), at("a", "seed=2"), at("a", "seed=3")));
        assertThat(l.xName()).isEqualTo("seed");
        assertThat(xsByLine(l)).containsExactly(Map.entry("a", List.of(1.0, 2.0, 3.0)));
    }

    @Test
    void runsWithoutAPointBesideSweptOnesAreAValueOfTheirOwn() {
        List<RunSummary> runs = List.of(at("a", "tick_hz=0"), at("a", "tick_hz=1000"),
                new RunSummary("a", "munmap", "skylake", 16, 1, 0.01, Map.of(), Map.of()));
        SweepLayout l = SweepLayout.of(runs);
        assertThat(l.axis()).as("not every run has a number for tick_hz").isEqualTo(SvgPlot.XAxis.CPUS);
        assertThat(l.lines().keySet()).containsExactly("a (tick_hz 0)", "a (tick_hz 1000)", "a (tick_hz ?)");
    }

    @Test
    void sweptRangesNameEachAxisWithItsValues() {
        List<RunSummary> runs = grid("a", "profile", List.of("skylake", "milan"), "user_cycles", List.of("10000", "1000", "100000"));
        assertThat(SweepLayout.sweptRanges(runs)).containsExactly("profile skylake, milan", "user_cycles 1000 to 100000 (3 values)");
        assertThat(SweepLayout.sweptRanges(List.of(at("a", "cpus=4")))).containsExactly("cpus 4");
        assertThat(SweepLayout.sweptRanges(List.of(new RunSummary("a", "munmap", "skylake", 16, 1, 0.01, Map.of(), Map.of())))).isEmpty();
    }
}
