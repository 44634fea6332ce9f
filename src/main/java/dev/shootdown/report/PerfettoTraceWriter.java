package dev.shootdown.report;

import dev.shootdown.model.Event;
import dev.shootdown.sim.Phase;
import dev.shootdown.sim.SimTrace;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A simulation run as a Chrome trace-event JSON file, for ui.perfetto.dev or chrome://tracing:
 * {@code {"traceEvents":[...],"displayTimeUnit":"ns","otherData":{...}}}. The run is one process;
 * each CPU is a thread ("cpu N") whose track holds a complete event ({@code "ph":"X"}) per slice of
 * CPU time, named by its statement, instant events for notable machine events, and a flow arrow
 * ({@code "s"}/{@code "f"}) from each IPI send to the handler entry it caused.
 *
 * <p>Events are written as they come (a second of a 16-CPU machine is tens of millions of slices):
 * only the IPIs in flight are held. Slices are written as the engine reports them: a CPU's never
 * overlap (the engine itself splits a compute() an interrupt cuts), so none is cut or held here.
 * {@link Limits} caps the events written and picks a window of simulated time.
 *
 * <p>Times are microseconds with three decimals, i.e. whole nanoseconds of the profile's clock:
 * Perfetto keeps nanoseconds, and rounding both ends of every slice the same way keeps slices that
 * touch from overlapping. A slice shorter than a nanosecond is left out. "displayTimeUnit" comes
 * after the events because Perfetto once read a leading one as the unit of "ts" (perfetto#274).
 */
public final class PerfettoTraceWriter implements SimTrace, Closeable {
    /** What to keep: at most {@code maxEvents} trace events, those in [{@code fromMicros}, {@code untilMicros}) of simulated time. */
    public record Limits(long maxEvents, double fromMicros, double untilMicros) {
        public static final Limits NONE = new Limits(Long.MAX_VALUE, 0, Double.POSITIVE_INFINITY);

        public Limits {
            if (maxEvents < 0 || fromMicros < 0 || !(untilMicros > fromMicros)) {
                throw new IllegalArgumentException("trace limits: need maxEvents >= 0 and 0 <= from < until");
            }
        }
    }

    /** The machine events shown as instants; the rest (reads, writes, hits, IRQ masking, ...) would bury them. */
    private static final boolean[] NOTABLE = new boolean[Event.COUNT];
    /** What an event's {@code a} and {@code b} mean, per kind (null: nothing). */
    private static final String[] ARG_A = new String[Event.COUNT];
    private static final String[] ARG_B = new String[Event.COUNT];

    static {
        for (int k : new int[] {Event.TLB_MISS, Event.PAGE_FAULT, Event.DIRTY_REWALK, Event.INVLPG, Event.FLUSH_ALL, Event.TLBIE,
                Event.TLBSYNC, Event.BCAST_PERFORM, Event.IPI_SEND, Event.ACK, Event.FRAME_FREE, Event.FRAME_ALLOC, Event.WRITEBACK, Event.EVICT}) {
            NOTABLE[k] = true;
        }
        for (int k : new int[] {Event.TLB_MISS, Event.PAGE_FAULT, Event.DIRTY_REWALK, Event.INVLPG, Event.TLBIE, Event.BCAST_PERFORM, Event.EVICT}) {
            ARG_A[k] = "page";
        }
        for (int k : new int[] {Event.FRAME_FREE, Event.FRAME_ALLOC, Event.WRITEBACK}) {
            ARG_A[k] = "frame";
        }
        ARG_A[Event.FLUSH_ALL] = "entries";
        ARG_A[Event.IPI_SEND] = "target";
        ARG_B[Event.IPI_SEND] = "handler";
        ARG_A[Event.ACK] = "to";
        ARG_B[Event.BCAST_PERFORM] = "issuer";
    }

    private static final int PID = 1;

    private final Writer out;
    private final double ghz;
    private final long maxEvents;
    private final long fromCycles;
    private final long untilCycles;
    private long written;
    private boolean full;
    private long nextFlow = 1;
    private boolean closed;
    private boolean first = true;

    /** IPIs sent and not yet taken, by (target, sender, handler): the time of the earliest (later ones coalesce into it). */
    private final Map<Long, Long> inFlight = new HashMap<>();
    private final Map<String, String> escaped = new HashMap<>();
    private final StringBuilder line = new StringBuilder(256);

    /**
     * Starts the trace on {@code out} (which this writer closes): the process named {@code process},
     * one track per CPU, times converted from cycles at {@code ghz}.
     */
    public PerfettoTraceWriter(Writer out, String process, int cpus, double ghz, Limits limits) {
        if (cpus < 1 || !(ghz > 0)) {
            throw new IllegalArgumentException("need cpus >= 1 and ghz > 0");
        }
        this.out = out;
        this.ghz = ghz;
        this.maxEvents = limits.maxEvents();
        this.fromCycles = cycles(limits.fromMicros());
        this.untilCycles = Double.isInfinite(limits.untilMicros()) ? Long.MAX_VALUE : cycles(limits.untilMicros());
        raw("{\"traceEvents\":[\n");
        line.setLength(0);
        line.append("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":").append(PID).append(",\"tid\":0,\"args\":{\"name\":");
        string(process);
        line.append("}}");
        emit(false);
        for (int c = 0; c < cpus; c++) {
            line.setLength(0);
            line.append("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":").append(PID).append(",\"tid\":").append(c)
                    .append(",\"args\":{\"name\":\"cpu ").append(c).append("\"}}");
            emit(false);
            line.setLength(0);
            line.append("{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":").append(PID).append(",\"tid\":").append(c)
                    .append(",\"args\":{\"sort_index\":").append(c).append("}}");
            emit(false);
        }
    }

    /**
     * Starts a trace on {@code os} (which this writer closes), gzip-compressed when {@code name}, the file's,
     * ends in .gz (Perfetto opens those too). Where the bytes go is the caller's: the CLI writes a temporary
     * file it renames into place once the trace is finished.
     */
    public static PerfettoTraceWriter open(OutputStream os, String name, String process, int cpus, double ghz, Limits limits) throws IOException {
        if (name.endsWith(".gz")) {
            os = new GZIPOutputStream(os, 1 << 16);
        }
        return new PerfettoTraceWriter(new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16), process, cpus, ghz, limits);
    }

    /** Trace events written so far, not counting the metadata that names the process and tracks. */
    public long written() {
        return written;
    }

    /** Whether the event cap was reached and later events were dropped. */
    public boolean truncated() {
        return full;
    }

    // ---------------------------------------------------------------- SimTrace

    /** False once the event cap is reached or from the window's end: nothing starting then is written. */
    @Override
    public boolean wants(long time) {
        return written < maxEvents && time < untilCycles;
    }

    @Override
    public void slice(int cpu, long start, long end, int phase, String label) {
        if (!full) {
            complete(cpu, start, end, phase, label);
        }
    }

    @Override
    public void event(long time, int cpu, int kind, int a, int b) {
        if (full) {
            return;
        }
        if (kind == Event.IPI_SEND) {
            inFlight.putIfAbsent(ipiKey(a, cpu, b), time);
        } else if (kind == Event.IPI_ENTER) {
            // Every send of this (sender, handler) before the entry is served by it: the APIC holds one pending bit.
            Long sent = inFlight.remove(ipiKey(cpu, a, b));
            if (sent != null && inWindow(sent) && inWindow(time) && written + 2 <= maxEvents) {
                flow(sent, a, time, cpu, b);
            }
        }
        if (NOTABLE[kind] && inWindow(time)) {
            instant(time, cpu, kind, a, b);
        }
    }

    // ---------------------------------------------------------------- end

    /** Closes the JSON and the file (also after an error, so what was written parses). Safe to call twice. */
    public void finish() {
        if (closed) {
            return;
        }
        closed = true;
        raw("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"shootdown\",\"ghz\":" + ghz + ",\"events\":" + written
                + ",\"truncated\":" + full + "}}\n");
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        finish();
    }

    // ---------------------------------------------------------------- events

    private void complete(int cpu, long start, long end, int phase, String label) {
        long s = Math.max(start, fromCycles);
        long e = Math.min(end, untilCycles);
        long ns = nanos(s);
        long durNs = nanos(e) - ns;
        if (e <= s || durNs <= 0 || !room()) {
            return;
        }
        boolean blocked = "blocked".equals(label);
        line.setLength(0);
        line.append("{\"ph\":\"X\",\"ts\":");
        micros(ns);
        line.append(",\"dur\":");
        micros(durNs);
        line.append(",\"pid\":").append(PID).append(",\"tid\":").append(cpu).append(",\"cat\":\"").append(Phase.NAMES[phase]).append("\",\"name\":");
        if (label == null) {
            string(Phase.NAMES[phase]);
        } else if (blocked) {
            string(phase == Phase.IDLE ? "idle" : "blocked (" + Phase.NAMES[phase] + ")");
        } else {
            string(label);
        }
        line.append(",\"args\":{\"phase\":\"").append(Phase.NAMES[phase]).append('"');
        if (label != null) {
            line.append(",\"label\":");
            string(label);
        }
        line.append("}}");
        emit(true);
    }

    private void instant(long time, int cpu, int kind, int a, int b) {
        if (!room()) {
            return;
        }
        line.setLength(0);
        line.append("{\"ph\":\"i\",\"ts\":");
        micros(nanos(time));
        line.append(",\"pid\":").append(PID).append(",\"tid\":").append(cpu).append(",\"s\":\"t\",\"cat\":\"event\",\"name\":\"")
                .append(Event.NAMES[kind]).append("\",\"args\":{");
        if (ARG_A[kind] != null) {
            line.append('"').append(ARG_A[kind]).append("\":").append(a);
            if (ARG_B[kind] != null) {
                line.append(",\"").append(ARG_B[kind]).append("\":").append(b);
            }
        }
        line.append("}}");
        emit(true);
    }

    /** The arrow from a send to the handler entry; name and cat must match on both ends (Perfetto keys v1 flows by id, cat and name). */
    private void flow(long sentAt, int sender, long enteredAt, int target, int handler) {
        long id = nextFlow++;
        long sendNs = nanos(sentAt);
        long enterNs = Math.max(sendNs, nanos(enteredAt));
        line.setLength(0);
        line.append("{\"ph\":\"s\",\"ts\":");
        micros(sendNs);
        line.append(",\"pid\":").append(PID).append(",\"tid\":").append(sender).append(",\"cat\":\"ipi\",\"name\":\"ipi\",\"id\":").append(id)
                .append(",\"args\":{\"target\":").append(target).append(",\"handler\":").append(handler).append("}}");
        emit(true);
        line.setLength(0);
        line.append("{\"ph\":\"f\",\"bp\":\"e\",\"ts\":");
        micros(enterNs);
        line.append(",\"pid\":").append(PID).append(",\"tid\":").append(target).append(",\"cat\":\"ipi\",\"name\":\"ipi\",\"id\":").append(id)
                .append(",\"args\":{\"sender\":").append(sender).append(",\"handler\":").append(handler).append("}}");
        emit(true);
    }

    // ---------------------------------------------------------------- output

    private boolean inWindow(long cycles) {
        return cycles >= fromCycles && cycles < untilCycles;
    }

    private boolean room() {
        if (written < maxEvents) {
            return true;
        }
        full = true;
        return false;
    }

    private static long ipiKey(int target, int sender, int handler) {
        return ((long) handler << 40) | ((long) sender << 20) | target;
    }

    private long cycles(double micros) {
        return (long) Math.ceil(micros * ghz * 1000.0);
    }

    private long nanos(long cycles) {
        return Math.round(cycles / ghz);
    }

    /** Nanoseconds as microseconds with exactly three decimals: no binary fraction, no exponent. */
    private void micros(long ns) {
        line.append(ns / 1000).append('.');
        long frac = ns % 1000;
        if (frac < 100) {
            line.append('0');
        }
        if (frac < 10) {
            line.append('0');
        }
        line.append(frac);
    }

    /** A JSON string; control characters become spaces (Perfetto's tokenizer refuses them and \\u escapes alike). */
    private void string(String s) {
        String e = escaped.get(s);
        if (e == null) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\') {
                    b.append('\\').append(ch);
                } else if (ch < 0x20 || ch == 0x7f) {
                    b.append(' ');
                } else {
                    b.append(ch);
                }
            }
            e = b.append('"').toString();
            if (escaped.size() < 100_000) {
                escaped.put(s, e);
            }
        }
        line.append(e);
    }

    private void emit(boolean counted) {
        try {
            if (!first) {
                out.write(",\n");
            }
            first = false;
            out.append(line);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (counted) {
            written++;
        }
    }

    private void raw(String s) {
        try {
            out.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
