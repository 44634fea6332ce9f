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

    /** A single run as {@code simulate --json} writes it: no sweep point, its tick rate, skew and parameters recorded. */
    static RunSummary single(String protocol, int cpus, double tickHz, boolean skew, String userCycles) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", "protocols/" + protocol + ".sd");
        json.put("workload", "munmap");
        json.put("profile", "skylake");
        json.put("cpus", cpus);
        json.put("seed", 1);
        json.put("tick_hz", tickHz);
        json.put("tick_skew", skew);
        json.put("params", Map.of("user_cycles", userCycles));
        json.put("metrics", Map.of("ipis_per_second", 1.0));
        return RunSummary.fromJson(json, Map.of());
    }

    @Test
    void singleRunsThatDifferInATickRateOrParameterAreNotJoinedIntoOneLine() {
        List<RunSummary> runs = new ArrayList<>();
        for (int cpus : new int[] {8, 2, 4}) {
            runs.add(single("linux-ipi", cpus, 250.0, false, "1000000"));
            runs.add(single("linux-ipi", cpus, 1000.0, false, "1000000"));
            runs.add(single("linux-ipi", cpus, 1000.0, false, "5000"));
        }
        SweepLayout l = SweepLayout.of(runs);
        assertThat(l.xName()).isEqualTo("CPUs");
        assertThat(xsByLine(l)).containsExactly(
                Map.entry("linux-ipi (tick_hz 250, user_cycles 1000000)", List.of(2.0, 4.0, 8.0)),
                Map.entry("linux-ipi (tick_hz 1000, user_cycles 1000000)", List.of(2.0, 4.0, 8.0)),
                Map.entry("linux-ipi (tick_hz 1000, user_cycles 5000)", List.of(2.0, 4.0, 8.0)));
    }

    @Test
    void singleRunsAtOneCpuCountArePlottedAgainstTheInputThatVaries() {
        SweepLayout l = SweepLayout.of(List.of(single("a", 16, 1000.0, true, "100"), single("a", 16, 100.0, true, "100"),
                single("a", 16, 250.0, true, "100")));
        assertThat(l.xName()).isEqualTo("tick_hz");
        assertThat(xsByLine(l)).containsExactly(Map.entry("a", List.of(100.0, 250.0, 1000.0)));
    }

    /** A sweep's point and a single run name the same skew alike (the run's own record wins over how the axis was typed). */
    @Test
    void aSweptRunAndASingleRunOfTheSameInputsShareALine() {
        RunSummary swept = single("a", 4, 250.0, true, "100");
        swept = new RunSummary(swept.protocol(), swept.workload(), swept.profile(), swept.cpus(), swept.seed(), swept.simulatedSeconds(),
                swept.metrics(), Map.of("tick_skew", "1", "cpus", "4"), swept.inputs());
        SweepLayout l = SweepLayout.of(List.of(swept, single("a", 8, 250.0, true, "100"), single("a", 8, 250.0, false, "100")));
        assertThat(xsByLine(l)).containsExactly(
                Map.entry("a (tick_skew on)", List.of(4.0, 8.0)),
                Map.entry("a (tick_skew off)", List.of(8.0)));
    }
}
