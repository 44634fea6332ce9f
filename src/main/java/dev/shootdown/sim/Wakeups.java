package dev.shootdown.sim;

import java.util.Arrays;

import static dev.shootdown.sim.CpuRecords.ACKED_AT;
import static dev.shootdown.sim.CpuRecords.BLOCKED;
import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.IN_LOCK_WAITERS;
import static dev.shootdown.sim.CpuRecords.PARKED;
import static dev.shootdown.sim.CpuRecords.PARK_GEN;
import static dev.shootdown.sim.CpuRecords.SPINS_ON;

/**
 * What wakes a parked CPU (one whose step is not enabled) to look at its step again, never by
 * rescanning all CPUs: a write to a word its guard read (watch lists by line), a lock release or a
 * change to a word no guard read reports (the lock waiters), an ack to it during the step being run
 * (looked at once that step ends). A woken CPU is queued in the {@link CpuQueue} at the time of the
 * wake-up.
 */
final class Wakeups {
    private final CpuQueue queue;
    private final long[] cl;
    private final int[] ci;
    private final boolean[] cb;
    private final SpinLockQueues locks;
    // Parked CPUs by the line they wait on: singly linked lists in flat arrays.
    private final int[] watchHead;
    private int[] watchCpu = new int[1024];
    private int[] watchGen = new int[1024];
    private int[] watchNext = new int[1024];
    private int watchFree = -1;
    private int watchUsed;
    /** Parked CPUs whose guard read no line: they look again at every lock release. */
    private final IntList lockWaiters = new IntList();
    /** Parked initiators that got an ack during the current step, and when ({@link CpuRecords#ACKED_AT}): re-examined when the step ends. */
    final IntList acked = new IntList();

    Wakeups(CpuQueue queue, CpuRecords records, SpinLockQueues locks, int lines) {
        this.queue = queue;
        this.cl = records.cl;
        this.ci = records.ci;
        this.cb = records.cb;
        this.locks = locks;
        this.watchHead = new int[lines];
        Arrays.fill(watchHead, -1);
    }

    /** Schedules a parked CPU to re-examine its step at {@code t} (if it is not due earlier anyway). */
    void wake(int c, long t) {
        if (!cb[c * CB + PARKED]) {
            return;
        }
        if (queue.contains(c) && queue.time(c) <= t) {
            return;
        }
        queue.put(c, t);
    }

    /** CPU {@code c}, parked for the {@code gen}-th time, waits for a write to line {@code idx}. */
    void watch(int idx, int c, int gen) {
        int e;
        if (watchFree >= 0) {
            e = watchFree;
            watchFree = watchNext[e];
        } else {
            if (watchUsed == watchCpu.length) {
                int len = watchUsed * 2;
                watchCpu = Arrays.copyOf(watchCpu, len);
                watchGen = Arrays.copyOf(watchGen, len);
                watchNext = Arrays.copyOf(watchNext, len);
            }
            e = watchUsed++;
        }
        watchCpu[e] = c;
        watchGen[e] = gen;
        watchNext[e] = watchHead[idx];
        watchHead[idx] = e;
    }

    /** A write to line {@code idx} at time {@code t}: every CPU parked on it re-examines its step. */
    void written(int idx, long t) {
        int e = watchHead[idx];
        if (e < 0) {
            return;
        }
        watchHead[idx] = -1;
        while (e >= 0) {
            int next = watchNext[e];
            int c = watchCpu[e];
            if (cb[c * CB + PARKED] && ci[c * CI + PARK_GEN] == watchGen[e]) {
                wake(c, t);
            }
            watchNext[e] = watchFree;
            watchFree = e;
            e = next;
        }
    }

    /** Parked CPU {@code c} watches no line: it waits for a lock release (once on the list). */
    void waitForAnyLock(int c) {
        if (!cb[c * CB + IN_LOCK_WAITERS]) {
            cb[c * CB + IN_LOCK_WAITERS] = true;
            lockWaiters.add(c);
        }
    }

    /**
     * Lock word {@code lock} (a state index; {@link SpinLockQueues#NO_LOCK}: no particular one) or a
     * word no guard read reports may have changed at {@code t}: the parked CPUs that watch no line
     * look again, except those queued for that lock behind its head, for which it is now kept.
     */
    void lockReleased(long t, int lock) {
        int head = lock >= 0 ? locks.keepForHead(lock) : -1;
        if (head >= 0) {
            wake(head, t); // it may be parked in a handler it took meanwhile, which is on no list
        }
        int stay = 0;
        for (int i = 0; i < lockWaiters.size; i++) {
            int c = lockWaiters.data[i];
            if (head >= 0 && c != head && cb[c * CB + BLOCKED] && ci[c * CI + SPINS_ON] == lock) {
                lockWaiters.data[stay++] = c; // behind the head: it would only look and wait again
            } else {
                cb[c * CB + IN_LOCK_WAITERS] = false;
                wake(c, t);
            }
        }
        lockWaiters.size = stay;
    }

    /**
     * An ack reached parked CPU {@code to} at {@code t}. Most acks leave the initiator waiting for
     * others: its guard is looked at once the acking step is done instead of scheduling it for every ack.
     */
    void ackedAt(int to, long t) {
        if (cl[to * CL + ACKED_AT] == 0) {
            acked.add(to);
        }
        cl[to * CL + ACKED_AT] = t;
    }
}
