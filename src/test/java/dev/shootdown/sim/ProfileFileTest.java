package dev.shootdown.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.model.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ProfileFile}: the file form of a profile reads back as the same profile, and a file changes exactly what it names. */
public class ProfileFileTest {

    /** Writes {@code json} to {@code dir/name}. */
    public static Path write(Path dir, String name, String json) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void everyBuiltInRoundTripsThroughItsFileForm(@TempDir Path dir) throws Exception {
        for (String name : Profiles.all().keySet()) {
            Profile p = Profiles.byName(name);
            Path f = write(dir, name + "-copy.json", new ObjectMapper().writeValueAsString(ProfileFile.json(p, name)));
            Profiles.Source back = Profiles.resolve(f.toString());
            assertThat(back.profile()).as(name).isEqualTo(p);
            assertThat(back.base()).isEqualTo(name);
            assertThat(back.text()).isEqualTo(Files.readString(f));
            // ...and the file form of what was read is the file form printed.
            assertThat(ProfileFile.json(back.profile(), back.base())).isEqualTo(ProfileFile.json(p, name));
        }
    }

    @Test
    void aFileChangesExactlyTheValuesItNames(@TempDir Path dir) throws Exception {
        Path f = write(dir, "icelake-lab.json", """
                {"base": "skylake", "ghz": 2.6,
                 "topology": {"cores_per_die": 28},
                 "costs": {"INVLPG": 180, "ipi_send": 120, "Timer_Tick": 3500},
                 "ipi_latency": {"other_socket": 2000},
                 "broadcast_invalidation": true}
                """);
        Profile base = Profiles.byName("skylake");
        Profile p = Profiles.byName(f.toString());

        assertThat(p.name()).as("the file's name without .json").isEqualTo("icelake-lab");
        assertThat(p.ghz()).isEqualTo(2.6);
        assertThat(p.topology()).isEqualTo(new Topology(base.topology().sockets(), base.topology().diesPerSocket(), 28, base.topology().threadsPerCore()));
        assertThat(p.stepCycles()).isEqualTo(base.stepCycles());
        Map<Integer, Long> changed = Map.of(Event.INVLPG, 180L, Event.IPI_SEND, 120L, Event.TIMER_TICK, 3500L);
        for (int e = 0; e < Event.COUNT; e++) {
            assertThat(p.cycles(e)).as(Event.NAMES[e]).isEqualTo(changed.getOrDefault(e, base.cycles(e)));
        }
        assertThat(p.lineCycles()).isEqualTo(base.lineCycles());
        long[] ipi = base.ipiLatency().clone();
        ipi[Topology.REMOTE] = 2000;
        assertThat(p.ipiLatency()).isEqualTo(ipi);
        assertThat(p.bcastLatency()).isEqualTo(base.bcastLatency());
        assertThat(p.broadcastInvalidation()).isTrue();
        assertThat(base.broadcastInvalidation()).isFalse();
        assertThat(p.rangedFlushCycles()).isEqualTo(base.rangedFlushCycles());
        // Nothing else differs: the profile is the base with these values put in.
        assertThat(p).isEqualTo(new Profile("icelake-lab", p.description(), 2.6, p.topology(), base.stepCycles(), p.eventCycles(), base.lineCycles(),
                ipi, base.bcastLatency(), true, base.rangedFlushCycles()));
    }

    @Test
    void aFileWithNothingButItsBaseIsTheBaseUnderItsOwnName(@TempDir Path dir) throws Exception {
        Profile base = Profiles.byName("milan");
        Profile p = Profiles.byName(write(dir, "same.json", "{\"base\": \"milan\", \"description\": \"d\"}").toString());
        assertThat(p).isEqualTo(new Profile("same", "d", base.ghz(), base.topology(), base.stepCycles(), base.eventCycles(), base.lineCycles(),
                base.ipiLatency(), base.bcastLatency(), base.broadcastInvalidation(), base.rangedFlushCycles()));
    }

    /**
     * The engine charges the file's INVLPG cost: after each INVLPG event the CPU's step goes on for at
     * least that cost, and the shortest such gap (a flush statement that does nothing else) is the cost.
     * (A step the run's end cuts short does not count.)
     */
    @Test
    void aHigherInvlpgCostIsWhatTheEngineCharges(@TempDir Path dir) throws Exception {
        Profile base = Profiles.byName("skylake");
        Profile dear = Profiles.byName(write(dir, "dear.json", "{\"base\": \"skylake\", \"costs\": {\"invlpg\": 5000}}").toString());
        assertThat(shortestGapAfterInvlpg(base)).isEqualTo(base.cycles(Event.INVLPG));
        assertThat(shortestGapAfterInvlpg(dear)).isEqualTo(5000);
    }

    private static long shortestGapAfterInvlpg(Profile p) {
        RecordingTrace t = RecordingTrace.all();
        SimResult r = Simulation.run(SimulationTest.LINUX, Workloads.byName("munmap"), Map.of("user_cycles", "20000"), 4, p,
                new SimOptions(0.0005, 1, t, 0));
        assertThat(r.count(Event.INVLPG)).isPositive();
        long runEnd = p.secondsToCycles(0.0005);
        long shortest = Long.MAX_VALUE;
        for (RecordingTrace.Ev e : t.events) {
            if (e.kind() != Event.INVLPG) {
                continue;
            }
            // The next thing on that CPU: its next event, or the end of the slice the INVLPG is in.
            long next = t.of(e.cpu()).stream().filter(s -> s.start() <= e.time() && e.time() < s.end()).mapToLong(RecordingTrace.Slice::end).min().orElseThrow();
            for (RecordingTrace.Ev o : t.events) {
                if (o.cpu() == e.cpu() && o.time() > e.time() && o.time() < next) {
                    next = o.time();
                }
            }
            if (next < runEnd) { // the run's end cuts the last step short
                shortest = Math.min(shortest, next - e.time());
            }
        }
        return shortest;
    }

    @Test
    void theCostsKeysAreTheEventNames() {
        assertThat(java.util.List.copyOf(((Map<?, ?>) ProfileFile.json(Profiles.byName("p3"), "p3").get("costs")).keySet())).isEqualTo(java.util.List.of(Event.NAMES));
        assertThat(ProfileFile.json(Profiles.byName("p3"), "p3").keySet()).containsAll(Set.of("base", "topology", "line_cycles", "ipi_latency", "broadcast_latency"));
    }
}
