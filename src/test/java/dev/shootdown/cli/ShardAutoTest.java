package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.UserError;
import dev.shootdown.sim.SchedulerShard;
import dev.shootdown.sim.Sweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --shard auto}: a sweep run as the tasks of a Slurm job array or a Kubernetes Indexed Job, merged back. */
class ShardAutoTest {
    /** Five points (cpus 2..4 x two seeds would be six: five keeps the shards uneven). */
    static final String[] SWEEP = {"simulate", "linux-ipi", "--workload", "munmap", "--seconds", "0.0005", "--sweep", "cpus=2,3,4,5,6", "--json"};

    /** Runs the sweep as one process per task, each under {@code env.get(i)}, writing --output; merges; returns the merged JSON. */
    static JsonNode runAsTasks(Path dir, List<Map<String, String>> env) throws Exception {
        List<CliProcess> tasks = new ArrayList<>();
        for (int i = 0; i < env.size(); i++) {
            Path d = Files.createDirectories(dir.resolve("task" + i));
            tasks.add(CliProcess.start(d, Main.class, env.get(i), MergeCommandTest.plus(SWEEP, "--shard", "auto", "--threads", "1",
                    "--output", dir.resolve("shard-{shard}.json").toString())));
        }
        for (CliProcess t : tasks) {
            assertThat(t.exitCode()).as("task exit").isZero();
            assertThat(t.out()).isEmpty(); // the JSON went to the task's file
        }
        List<String> merge = new ArrayList<>(List.of("merge"));
        for (int k = env.size(); k >= 1; k--) {
            merge.add(dir.resolve("shard-" + k + ".json").toString());
        }
        merge.add("--json");
        SimulateCommandTest.Out merged = SimulateCommandTest.run(merge.toArray(String[]::new));
        assertThat(merged.code()).isZero();
        return new ObjectMapper().readTree(merged.out());
    }

    static void sameAsTheWholeSweep(JsonNode merged) throws Exception {
        SimulateCommandTest.Out whole = SimulateCommandTest.run(MergeCommandTest.plus(SWEEP, "--threads", "1"));
        JsonNode w = new ObjectMapper().readTree(whole.out());
        assertThat(merged.get("runs")).hasSize(5);
        assertThat(merged.has("partial")).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(merged.get("runs").get(i).get("point")).isEqualTo(w.get("runs").get(i).get("point"));
            assertThat(merged.get("runs").get(i).get("result").get("metrics")).isEqualTo(w.get("runs").get(i).get("result").get("metrics"));
        }
    }

    @Test
    void aSlurmJobArrayOfThreeTasksMergesIntoTheWholeSweep(@TempDir Path dir) throws Exception {
        // sbatch --array=10-12: indices 10, 11, 12, MIN 10, COUNT 3.
        List<Map<String, String>> env = new ArrayList<>();
        for (int id = 10; id <= 12; id++) {
            env.add(Map.of("SLURM_ARRAY_TASK_ID", Integer.toString(id), "SLURM_ARRAY_TASK_COUNT", "3", "SLURM_ARRAY_TASK_MIN", "10",
                    "SLURM_ARRAY_TASK_MAX", "12", "SLURM_ARRAY_JOB_ID", "4242"));
        }
        JsonNode merged = runAsTasks(dir, env);
        sameAsTheWholeSweep(merged);
        assertThat(new ObjectMapper().readTree(Files.readString(dir.resolve("shard-2.json"))).get("sweep").get("shard").asText()).isEqualTo("2/3");
    }

    @Test
    void aKubernetesIndexedJobOfTwoPodsMergesIntoTheWholeSweep(@TempDir Path dir) throws Exception {
        JsonNode merged = runAsTasks(dir, List.of(Map.of("JOB_COMPLETION_INDEX", "0", "SHOOTDOWN_SHARD_COUNT", "2"),
                Map.of("JOB_COMPLETION_INDEX", "1", "SHOOTDOWN_SHARD_COUNT", "2")));
        sameAsTheWholeSweep(merged);
    }

    @Test
    void theEnvironmentGivesKAndN() {
        assertThat(SchedulerShard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "0")))
                .isEqualTo(new Sweep.Shard(1, 4));
        // --array=1-7:2 is 1, 3, 5, 7: task 5 is the third.
        assertThat(SchedulerShard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1",
                "SLURM_ARRAY_TASK_STEP", "2"))).isEqualTo(new Sweep.Shard(3, 4));
        assertThat(SchedulerShard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "7", "SHOOTDOWN_SHARD_COUNT", "8"))).isEqualTo(new Sweep.Shard(8, 8));
    }

    @Test
    void whatTheEnvironmentCannotSayIsRefused() {
        assertThatThrownBy(() -> SchedulerShard.fromEnvironment(Map.of())).isInstanceOf(UserError.class).hasMessageContaining("no task index");
        assertThatThrownBy(() -> SchedulerShard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "0")))
                .isInstanceOf(UserError.class).hasMessageContaining("SHOOTDOWN_SHARD_COUNT");
        assertThatThrownBy(() -> SchedulerShard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "2", "SHOOTDOWN_SHARD_COUNT", "2")))
                .isInstanceOf(UserError.class).hasMessageContaining("shard 3 of 2");
        // An explicit, uneven array (--array=1,4,9) has no task K.
        assertThatThrownBy(() -> SchedulerShard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "3", "SLURM_ARRAY_TASK_MIN", "1",
                "SLURM_ARRAY_TASK_STEP", "2"))).isInstanceOf(UserError.class).hasMessageContaining("not task K");
        assertThatThrownBy(() -> SchedulerShard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "x", "SLURM_ARRAY_TASK_COUNT", "3", "SLURM_ARRAY_TASK_MIN", "1")))
                .isInstanceOf(UserError.class).hasMessageContaining("not a whole number");
    }
}
