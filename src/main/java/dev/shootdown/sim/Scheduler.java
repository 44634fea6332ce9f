package dev.shootdown.sim;

import dev.shootdown.lang.UserError;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Program;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.CLOCK;
import static dev.shootdown.sim.CpuRecords.IDLE_RUN;
import static dev.shootdown.sim.CpuRecords.NEVER;
import static dev.shootdown.sim.CpuRecords.PARKED;
import static dev.shootdown.sim.CpuRecords.PREEMPT_FROM;
import static dev.shootdown.sim.CpuRecords.RESIDUAL;

/**
 * Processes, threads and a run queue per CPU, as far as they matter for TLB costs: which task a CPU
 * runs next, and so which address space it loads or borrows. Linux's fair class reduced to what
 * changes the mm a CPU holds:
 *
 * <ul>
 * <li>Round robin within a CPU's run queue: a task that used up its slice goes to the tail (CFS
 *     picks the leftmost vruntime; among equal-weight CPU-bound tasks that is round robin,
 *     kernel/sched/fair.c pick_next_entity). The slice is the length of the task's body, a workload
 *     input. No migration between run queues other than at wake-up (no load balancing).</li>
 * <li>Wake-up placement as select_task_rq_fair() → select_idle_sibling() does it without
 *     wake_affine: the task's previous CPU if it is idle, else an idle CPU sharing its last-level
 *     cache (the same die), else the previous CPU's queue. A wake-up of an idle CPU takes effect
 *     after an IPI's delivery latency (the reschedule IPI, smp_send_reschedule; its handler's cost is
 *     not charged) and cuts its idle(); a busy CPU runs the woken task when its current one ends its
 *     slice (no wake-up preemption, check_preempt_wakeup).</li>
 * <li>A wake-up of a task that has not yet blocked makes its next block a yield (ttwu() sets it
 *     TASK_RUNNING; __schedule() then does not dequeue it).</li>
 * </ul>
 *
 * <p>The workload's program talks to it through per-CPU variables: writing {@code sim_yield} (slice
 * over), {@code sim_block} (sleep until woken) or {@code sim_wake} (wake the task this one names)
 * rings a doorbell; for the first two the scheduler picks the next task at once and answers in
 * {@code sim_switch} (1 when it is another task), {@code sim_kind} (0 idle, 1 kernel thread, 2 user),
 * {@code sim_body}, {@code sim_prev} (the mm loaded until now, prev->active_mm), {@code sim_next}
 * (the task's mm, or for a kernel thread and idle the borrowed one) and {@code sim_page}. The program
 * then calls the protocol's switch_mm_irqs_off or enter_lazy_tlb, as context_switch() does
 * (kernel/sched/core.c): the protocol's code, not the engine, keeps mm_cpumask.
 */
final class Scheduler {
    static final int IDLE_TASK = -1;
    /**
     * What a CPU runs before its first pick: the user context of its {@code cpu ... runs MM} line, no task of the run
     * queue. The first pick is so always a switch, to the idle task too: a CPU with nothing to run enters lazy mode then,
     * as a CPU whose task exits does (do_task_dead() → __schedule() → context_switch()).
     */
    private static final int BOOT = -2;
    private static final int RUNNING = 0;
    private static final int SLEEPING = 1;

    private final int n;
    private final int[] s;
    private final int cpuBase;
    private final int stride;
    private final int perCpu;
    /** The doorbells and answers: per-CPU variable numbers. */
    final int yieldVar;
    final int blockVar;
    final int wakeVar;
    /** Per per-CPU variable, whether a write to it rings a doorbell: the engine asks this for every per-CPU write. */
    final boolean[] doorbells;
    private final int switchVar;
    private final int kindVar;
    private final int bodyVar;
    private final int prevVar;
    private final int nextVar;
    private final int pageVar;

    private final int[] taskBody;
    private final int[] taskKind;
    private final int[] taskMm;
    private final int[] taskPage;
    private final int[] taskCpu;
    private final int[] taskState;
    private final boolean[] wakePending;
    private final int[] wakes;

    private final int[] current;
    private final int[] activeMm;
    private final int[][] queue;
    private final int[] head;
    private final int[] size;

    private final long[] cl;
    private final boolean[] cb;
    private final CpuQueue cpuQueue;
    private final long[] place;
    private final long[] ipiLatency;
    private final long[] phaseCycles;

    long contextSwitches;
    long mmSwitches;
    long wakeups;

    /** The scheduler of a program that declares the doorbells, or null for one that does not (no task runs then). */
    static Scheduler of(Program program, Layout layout, int[] s, Tasks tasks, CpuRecords records, CpuQueue cpuQueue, long[] place,
                        long[] ipiLatency, long[] phaseCycles) {
        if (tasks.isEmpty()) {
            return null;
        }
        return new Scheduler(program, layout, s, tasks, records, cpuQueue, place, ipiLatency, phaseCycles);
    }

    private Scheduler(Program program, Layout layout, int[] s, Tasks tasks, CpuRecords records, CpuQueue cpuQueue, long[] place,
                      long[] ipiLatency, long[] phaseCycles) {
        this.n = program.cpus();
        this.s = s;
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.perCpu = layout.perCpu;
        Map<String, Integer> vars = new HashMap<>();
        for (int v = 0; v < program.perCpu().size(); v++) {
            vars.put(program.perCpu().get(v).name(), v);
        }
        yieldVar = var(vars, "sim_yield");
        blockVar = var(vars, "sim_block");
        wakeVar = var(vars, "sim_wake");
        doorbells = new boolean[program.perCpu().size()];
        doorbells[yieldVar] = true;
        doorbells[blockVar] = true;
        doorbells[wakeVar] = true;
        switchVar = var(vars, "sim_switch");
        kindVar = var(vars, "sim_kind");
        bodyVar = var(vars, "sim_body");
        prevVar = var(vars, "sim_prev");
        nextVar = var(vars, "sim_next");
        pageVar = var(vars, "sim_page");
        this.cl = records.cl;
        this.cb = records.cb;
        this.cpuQueue = cpuQueue;
        this.place = place;
        this.ipiLatency = ipiLatency;
        this.phaseCycles = phaseCycles;

        List<Tasks.Task> list = tasks.list();
        int t = list.size();
        taskBody = new int[t];
        taskKind = new int[t];
        taskMm = new int[t];
        taskPage = new int[t];
        taskCpu = new int[t];
        taskState = new int[t];
        wakePending = new boolean[t];
        wakes = new int[t];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < t; i++) {
            index.put(list.get(i).name(), i);
        }
        current = new int[n];
        activeMm = new int[n];
        queue = new int[n][4];
        head = new int[n];
        size = new int[n];
        for (int c = 0; c < n; c++) {
            current[c] = BOOT;
            activeMm[c] = program.cpuMm()[c];
        }
        for (int i = 0; i < t; i++) {
            Tasks.Task task = list.get(i);
            if (task.cpu() < 0 || task.cpu() >= n) {
                throw new UserError("task '" + task.name() + "' starts on CPU " + task.cpu() + ", but the run has CPUs 0 to " + (n - 1));
            }
            taskBody[i] = task.body();
            taskKind[i] = task.kind();
            taskMm[i] = task.kind() == Tasks.USER ? named(program.mmNames(), task.mm(), "address space", task) : -1;
            taskPage[i] = task.kind() == Tasks.USER ? named(program.pageNames(), task.page(), "page", task) : 0;
            if (task.kind() == Tasks.USER && program.pageMm()[taskPage[i]] != taskMm[i]) {
                throw new UserError("task '" + task.name() + "': page " + task.page() + " is not a page of " + task.mm());
            }
            taskCpu[i] = task.cpu();
            wakes[i] = task.wakes() == null ? -1 : index.get(task.wakes());
            if (task.asleep()) {
                taskState[i] = SLEEPING;
            } else {
                push(task.cpu(), i);
            }
        }
    }

    private static int var(Map<String, Integer> vars, String name) {
        Integer v = vars.get(name);
        if (v == null) {
            throw new UserError("a workload with tasks declares 'percpu " + name + "' (the scheduler's doorbells and answers: see docs/simulator.md)");
        }
        return v;
    }

    private static int named(List<String> names, String name, String what, Tasks.Task task) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new UserError("task '" + task.name() + "': no " + what + " named '" + name + "'");
        }
        return i;
    }

    /** CPU {@code c}'s step wrote per-CPU variable {@code var} at {@code t}: a doorbell rings, any other write is nothing to it. */
    void written(int var, int c, long t) {
        if (var == yieldVar) {
            schedule(c, false);
        } else if (var == blockVar) {
            schedule(c, true);
        } else if (var == wakeVar) {
            int cur = current[c];
            if (cur >= 0 && wakes[cur] >= 0) {
                wake(wakes[cur], c, t);
            }
        }
    }

    /** __schedule(): the current task goes to the tail of the queue, or to sleep; the next one is picked and the answers written. */
    private void schedule(int c, boolean block) {
        int prev = current[c];
        if (prev >= 0) {
            if (block && !wakePending[prev]) {
                taskState[prev] = SLEEPING;
            } else {
                push(c, prev);
            }
            wakePending[prev] = false;
        }
        int next = size[c] == 0 ? IDLE_TASK : pop(c);
        int b = cpuBase + c * stride + perCpu;
        int kind = next == IDLE_TASK ? 0 : taskKind[next];
        int prevMm = activeMm[c];
        int nextMm = kind == Tasks.USER ? taskMm[next] : prevMm;
        s[b + switchVar] = next != prev ? 1 : 0;
        s[b + kindVar] = kind;
        s[b + bodyVar] = next == IDLE_TASK ? 0 : taskBody[next];
        s[b + prevVar] = prevMm;
        s[b + nextVar] = nextMm;
        if (next != IDLE_TASK && kind == Tasks.USER) {
            s[b + pageVar] = taskPage[next];
        }
        if (next != prev) {
            contextSwitches++;
            if (nextMm != prevMm) {
                mmSwitches++;
            }
        }
        activeMm[c] = nextMm;
        current[c] = next;
        if (next != IDLE_TASK) {
            taskCpu[next] = c;
        }
    }

    /** try_to_wake_up(): the task is placed (select_idle_sibling) and an idle CPU is kicked. */
    private void wake(int task, int waker, long t) {
        if (taskState[task] != SLEEPING) {
            wakePending[task] = true;
            return;
        }
        wakeups++;
        taskState[task] = RUNNING;
        int target = place(taskCpu[task]);
        taskCpu[task] = target;
        push(target, task);
        if (current[target] == IDLE_TASK) {
            kick(target, t + (target == waker ? 0 : ipiLatency[Topology.distance(place[waker], place[target])]));
        }
    }

    private int place(int prev) {
        if (isIdle(prev)) {
            return prev;
        }
        // The CPUs sharing the previous one's last-level cache, in order from it, the first idle one.
        for (int d = 1; d < n; d++) {
            int c = (prev + d) % n;
            int dist = Topology.distance(place[prev], place[c]);
            if (dist <= Topology.DIE && isIdle(c)) {
                return c;
            }
            if (d >= 256) {
                break; // no die has more than 256 CPUs in any profile: the scan stays short on a large machine
            }
        }
        return prev;
    }

    private boolean isIdle(int c) {
        return current[c] == IDLE_TASK && size[c] == 0;
    }

    /** An idle CPU with a task to run: its idle() ends at {@code at} (what is left of it is dropped, and not counted as idle time). */
    private void kick(int c, long at) {
        if (cb[c * CB + PARKED] || !cpuQueue.contains(c)) {
            return;
        }
        if (cl[c * CL + PREEMPT_FROM] != NEVER && cb[c * CB + IDLE_RUN]) {
            long take = Math.max(at, cl[c * CL + PREEMPT_FROM]);
            long end = cpuQueue.time(c);
            if (take < end) {
                phaseCycles[Phase.IDLE] -= end - take + cl[c * CL + RESIDUAL];
                cl[c * CL + RESIDUAL] = 0;
                cl[c * CL + PREEMPT_FROM] = NEVER;
                cl[c * CL + CLOCK] = take;
                cpuQueue.put(c, take);
            }
        } else if (cb[c * CB + IDLE_RUN] && cl[c * CL + RESIDUAL] > 0) {
            // In an interrupt that cut the idle(): the rest of it is not resumed after the return.
            phaseCycles[Phase.IDLE] -= cl[c * CL + RESIDUAL];
            cl[c * CL + RESIDUAL] = 0;
        }
    }

    /** How long an idle() of {@code cycles} on {@code c} lasts: nothing when the idle task has something to run already. */
    long idleCycles(int c, long cycles) {
        return current[c] == IDLE_TASK && size[c] > 0 ? 0 : cycles;
    }

    private void push(int c, int task) {
        int[] q = queue[c];
        if (size[c] == q.length) {
            int[] bigger = new int[q.length * 2];
            for (int i = 0; i < size[c]; i++) {
                bigger[i] = q[(head[c] + i) % q.length];
            }
            queue[c] = q = bigger;
            head[c] = 0;
        }
        q[(head[c] + size[c]) % q.length] = task;
        size[c]++;
    }

    private int pop(int c) {
        int[] q = queue[c];
        int task = q[head[c]];
        head[c] = (head[c] + 1) % q.length;
        size[c]--;
        return task;
    }
}
