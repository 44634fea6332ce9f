package dev.shootdown.sim;

import dev.shootdown.model.Event;
import dev.shootdown.model.Layout;

import java.util.Arrays;

/**
 * The cache-line model: which CPU holds each line and what moving it costs. Each line remembers its
 * last writer and the last other CPU to read it; a read from a line another CPU wrote, or a write to
 * a line another CPU holds, transfers it at the profile's cost for the distance between the two
 * CPUs (SMT sibling, same die, same socket, other socket), else it costs the profile's {@code self}.
 *
 * <p>Lines are numbered densely: the shared variables, then per CPU its per-CPU variables and its
 * ack word, then the PTEs. Only those words are lines, so the per-line arrays hold nothing for the
 * rest of a CPU's state (its TLB, frames, control words), which keeps a thousand CPUs' engine state
 * small.
 */
final class CacheLines {
    /** {@link Layout#cpuBase} and {@link Layout#stride}: one load each from here instead of two. */
    private final int cpuBase;
    private final int stride;
    private final int perCpuOffset;
    private final int pteBase;
    private final int pages;
    private final int perCpuLines;
    private final int cpuLineBase;
    final int pteLineBase;
    /** How many lines there are. */
    final int count;
    /** Per line, the last CPU to write it and the last other CPU to read it, side by side. */
    private final int[] holders;
    /** Per CPU where it sits ({@link Topology#place}). */
    private final long[] place;
    /** The profile's transfer cost by distance. */
    private final long[] line;

    CacheLines(Layout layout, int cpus, int perCpuVars, int pages, long[] place, long[] lineCycles) {
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.perCpuOffset = layout.perCpu;
        this.pteBase = layout.pteBase;
        this.pages = pages;
        this.perCpuLines = perCpuVars + 1;
        this.cpuLineBase = layout.cpuBase;
        this.pteLineBase = cpuLineBase + cpus * perCpuLines;
        this.count = pteLineBase + Math.max(1, pages);
        this.holders = new int[2 * count];
        Arrays.fill(holders, -1);
        this.place = place;
        this.line = lineCycles;
    }

    /** CPU {@code c} reads line {@code idx}: what it costs. */
    long read(int idx, int c) {
        int w = holders[2 * idx];
        if (w < 0 || w == c || holders[2 * idx + 1] == c) {
            return line[Topology.SELF];
        }
        holders[2 * idx + 1] = c;
        return line[Topology.distance(place[c], place[w])];
    }

    /** CPU {@code c} writes line {@code idx}: what it costs (from the last reader, else the last writer). */
    long write(int idx, int c) {
        int w = holders[2 * idx];
        int r = holders[2 * idx + 1];
        int holder = r >= 0 && r != c ? r : w;
        holders[2 * idx] = c;
        holders[2 * idx + 1] = -1;
        return holder < 0 || holder == c ? line[Topology.SELF] : line[Topology.distance(place[c], place[holder])];
    }

    int perCpuLine(int cpu, int var) {
        return cpuLineBase + cpu * perCpuLines + var;
    }

    /** The line of CPU {@code cpu}'s ack word (Linux: the csd lock word initiators wait on). */
    int ackLine(int cpu) {
        return cpuLineBase + cpu * perCpuLines + perCpuLines - 1;
    }

    /** The line of a lock word, given as a state index: a shared or a per-CPU variable (the compiler allows no other). */
    int lockLine(int index) {
        if (index < cpuBase) {
            return index;
        }
        int cpu = (index - cpuBase) / stride;
        return perCpuLine(cpu, index - (cpuBase + cpu * stride) - perCpuOffset);
    }

    /** The line of a kernel word given as a state index (a drained store's address), or -1 for a word that is no line (a PMD). */
    int lineOf(int index) {
        if (index >= pteBase) {
            return index < pteBase + pages ? pteLineBase + index - pteBase : -1;
        }
        return lockLine(index); // a shared variable, or a per-CPU one: the only other words a kernel store writes
    }

    /** The line of a guard's read as the events sink reports it ({@code kind}, {@code a}, {@code b}), or -1. */
    int readIndex(int kind, int a, int b) {
        return switch (kind) {
            case Event.SHARED_READ -> a;
            case Event.PERCPU_READ -> perCpuLine(b, a);
            case Event.PTE_READ -> pteLineBase + a;
            default -> -1;
        };
    }
}
