package dev.shootdown.sim;

import dev.shootdown.lang.Builtin;
import dev.shootdown.model.Code;
import dev.shootdown.model.Insn;
import dev.shootdown.model.Layout;
import dev.shootdown.model.Program;

import java.util.Arrays;

/**
 * Spin locks handed over in arrival order. Linux's spin locks queue their waiters and hand the lock
 * over in arrival order (qspinlock's MCS queue: commit a33fda35e3a7, kernel/locking/qspinlock.c).
 * Woken all at once on a release, waiters would take the lock in CPU order, the lowest number every
 * time, and the highest could starve for the whole run. So per lock word a queue of the CPUs blocked
 * at spin_lock on it, and from a release until its head has taken the lock, the lock is kept for that
 * head: any other CPU's spin_lock on it waits, newcomers too.
 */
final class SpinLockQueues {
    /** No lock: the CPU's next instruction is no spin_lock, or a release names no lock word. */
    static final int NO_LOCK = -1;
    /** A spin_lock whose lock word the engine cannot tell before the step runs (a per-CPU lock of a computed CPU). */
    static final int ANY_LOCK = -2;
    private static final int NOT_QUEUED = -2;

    private final Program program;
    private final int[] s;
    private final int cpuBase;
    private final int stride;
    private final int perCpuOffset;
    private int[] qWord = new int[4];
    private int[] qHead = new int[4];
    private int[] qTail = new int[4];
    /** The CPU the lock is kept for, or -1. */
    private int[] qKeptFor = new int[4];
    /** How many queues there are: a lock taken with none has nobody to leave. */
    int queues;
    /** How many locks are kept: the step path looks for a kept lock only when some is. */
    int kept;
    /** Per CPU, the next CPU in its lock's queue: -1 at the tail, {@link #NOT_QUEUED} in none. */
    private final int[] qNext;

    SpinLockQueues(Program program, Layout layout, int[] s) {
        this.program = program;
        this.s = s;
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.perCpuOffset = layout.perCpu;
        this.qNext = new int[program.cpus()];
        Arrays.fill(qNext, NOT_QUEUED);
    }

    /** The lock word CPU {@code c}'s next instruction spins on if it is a spin_lock (run with these flags), else {@link #NO_LOCK}. */
    int spinsOn(int c, int flags) {
        Code code = (flags & Layout.IN_HANDLER) != 0 ? program.handlers().get(flags >>> Layout.HANDLER_SHIFT) : program.cpuPrograms().get(c);
        if (!(code.insns()[s[cpuBase + c * stride + Layout.PC]] instanceof Insn.Op o) || o.op() != Builtin.SPIN_LOCK) {
            return NO_LOCK;
        }
        if (o.lock() instanceof Insn.Target.Shared sh) {
            return sh.var();
        }
        Insn.Target.PerCpu p = (Insn.Target.PerCpu) o.lock();
        return p.cpu() == null ? cpuBase + c * stride + perCpuOffset + p.var() : ANY_LOCK;
    }

    /** Whether CPU {@code c}'s next instruction (run with these flags) is a spin_lock of a lock kept for another CPU. */
    boolean keptForAnother(int c, int flags) {
        int lock = spinsOn(c, flags);
        int q = lock >= 0 ? queueOf(lock) : -1;
        return q >= 0 && qKeptFor[q] >= 0 && qKeptFor[q] != c;
    }

    /** The queue of lock word {@code lock}, or -1 if none was made. */
    private int queueOf(int lock) {
        for (int q = 0; q < queues; q++) {
            if (qWord[q] == lock) {
                return q;
            }
        }
        return -1;
    }

    /** CPU {@code c} blocks at a spin_lock of {@code lock}: it joins the lock's queue at the tail. */
    void enqueue(int lock, int c) {
        int q = queueOf(lock);
        if (q < 0) {
            if (queues == qWord.length) {
                int len = queues * 2;
                qWord = Arrays.copyOf(qWord, len);
                qHead = Arrays.copyOf(qHead, len);
                qTail = Arrays.copyOf(qTail, len);
                qKeptFor = Arrays.copyOf(qKeptFor, len);
            }
            q = queues++;
            qWord[q] = lock;
            qHead[q] = -1;
            qTail[q] = -1;
            qKeptFor[q] = -1;
        }
        qNext[c] = -1;
        if (qTail[q] < 0) {
            qHead[q] = c;
        } else {
            qNext[qTail[q]] = c;
        }
        qTail[q] = c;
    }

    /** Lock word {@code lock} was released: it is kept for the head of its queue, which is returned (-1: nobody queued). */
    int keepForHead(int lock) {
        int q = queueOf(lock);
        int head = q >= 0 ? qHead[q] : -1;
        if (head >= 0) {
            if (qKeptFor[q] < 0) {
                kept++;
            }
            qKeptFor[q] = head;
        }
        return head;
    }

    /** CPU {@code c} took lock {@code lock}: it leaves the lock's queue (from its head, as a rule), and the lock is kept no more. */
    void acquired(int lock, int c) {
        int q = queueOf(lock);
        if (q < 0) {
            return;
        }
        if (qKeptFor[q] >= 0) {
            qKeptFor[q] = -1;
            kept--;
        }
        int prev = -1;
        int x = qHead[q];
        while (x >= 0 && x != c) {
            prev = x;
            x = qNext[x];
        }
        if (x < 0) {
            return; // not in this queue: it never blocked here, or it is queued for the lock its program waits at
        }
        if (prev < 0) {
            qHead[q] = qNext[c];
        } else {
            qNext[prev] = qNext[c];
        }
        if (qTail[q] == c) {
            qTail[q] = prev;
        }
        qNext[c] = NOT_QUEUED;
    }

    /** How many CPUs are queued for {@code lock} ahead of {@code c}. */
    int ahead(int lock, int c) {
        int q = queueOf(lock);
        int ahead = 0;
        for (int x = q < 0 ? -1 : qHead[q]; x >= 0 && x != c; x = qNext[x]) {
            ahead++;
        }
        return ahead;
    }
}
