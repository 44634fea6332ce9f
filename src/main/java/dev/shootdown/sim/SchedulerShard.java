package dev.shootdown.sim;

import dev.shootdown.lang.UserError;

import java.util.Map;

/**
 * {@code --shard auto}: which shard of a sweep this task is, from the environment a cluster's
 * scheduler gives each task of an array job.
 *
 * <ul>
 * <li>Slurm job arrays ({@code sbatch --array=0-7}): {@code SLURM_ARRAY_TASK_ID} is this task's index,
 *     {@code SLURM_ARRAY_TASK_COUNT} how many tasks, {@code SLURM_ARRAY_TASK_MIN} the lowest index and
 *     {@code SLURM_ARRAY_TASK_STEP} the step of the range (1 when absent); shard K = (ID - MIN) / STEP + 1
 *     of N = COUNT (Slurm's job_array documentation, "Job Array Environment Variables"). An array of
 *     explicit, uneven indices ({@code --array=1,4,9}) has no such K: the task is refused.</li>
 * <li>Kubernetes Indexed Jobs ({@code completionMode: Indexed}): {@code JOB_COMPLETION_INDEX} is this
 *     pod's index from 0 (Kubernetes' Job documentation, "Completion mode"); Kubernetes gives a pod no
 *     count, so the Job sets {@code SHOOTDOWN_SHARD_COUNT} to its {@code completions}: K = INDEX + 1 of N.</li>
 * </ul>
 */
public final class SchedulerShard {
    public static final String COUNT_VARIABLE = "SHOOTDOWN_SHARD_COUNT";

    private SchedulerShard() {}

    public static Sweep.Shard fromEnvironment(Map<String, String> env) {
        if (env.containsKey("SLURM_ARRAY_TASK_ID")) {
            int id = number(env, "SLURM_ARRAY_TASK_ID");
            int count = number(env, "SLURM_ARRAY_TASK_COUNT");
            int min = number(env, "SLURM_ARRAY_TASK_MIN");
            int step = env.containsKey("SLURM_ARRAY_TASK_STEP") ? number(env, "SLURM_ARRAY_TASK_STEP") : 1;
            if (step < 1 || id < min || (id - min) % step != 0 || (id - min) / step >= count) {
                throw new UserError("--shard auto: SLURM_ARRAY_TASK_ID " + id + " is not task K of an array of " + count + " from " + min + " by " + step
                        + " (use an evenly spaced range, e.g. sbatch --array=0-" + (count - 1) + ")");
            }
            return shard((id - min) / step + 1, count);
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            if (!env.containsKey(COUNT_VARIABLE)) {
                throw new UserError("--shard auto: JOB_COMPLETION_INDEX is set but not " + COUNT_VARIABLE
                        + " (a Kubernetes Indexed Job gives no count: set it to the Job's completions)");
            }
            return shard(number(env, "JOB_COMPLETION_INDEX") + 1, number(env, COUNT_VARIABLE));
        }
        throw new UserError("--shard auto: no task index in the environment (expected SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT and "
                + "SLURM_ARRAY_TASK_MIN from a Slurm job array, or JOB_COMPLETION_INDEX with " + COUNT_VARIABLE + " in a Kubernetes Indexed Job); "
                + "outside a scheduler give --shard K/N");
    }

    private static Sweep.Shard shard(int k, int n) {
        if (n < 1 || k < 1 || k > n) {
            throw new UserError("--shard auto: the environment makes this shard " + k + " of " + n + " (expected 1 <= K <= N)");
        }
        return new Sweep.Shard(k, n);
    }

    private static int number(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            throw new UserError("--shard auto: " + name + " is not set");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--shard auto: " + name + " is '" + v + "', not a whole number");
        }
    }
}
