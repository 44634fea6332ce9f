package dev.shootdown.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
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
 * The JSON is written by Jackson's streaming generator, one event a line.
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

    private static final JsonFactory FACTORY = new JsonFactory();

    // The names and fixed values of the events' fields, quoted and escaped once (a trace is millions of events).
    private static final SerializedString PH = new SerializedString("ph");
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString DUR = new SerializedString("dur");
    private static final SerializedString PID_FIELD = new SerializedString("pid");
    private static final SerializedString TID = new SerializedString("tid");
    private static final SerializedString CAT = new SerializedString("cat");
    private static final SerializedString NAME = new SerializedString("name");
    private static final SerializedString ARGS = new SerializedString("args");
    private static final SerializedString PHASE = new SerializedString("phase");
    private static final SerializedString LABEL = new SerializedString("label");
    private static final SerializedString COMPLETE = new SerializedString("X");
    private static final SerializedString INSTANT = new SerializedString("i");
    private static final SerializedString SCOPE = new SerializedString("s");
    private static final SerializedString THREAD = new SerializedString("t");
    private static final SerializedString EVENT = new SerializedString("event");
    private static final SerializedString[] PHASES = new SerializedString[Phase.COUNT];
    private static final SerializedString[] EVENTS = new SerializedString[Event.COUNT];

    static {
        for (int p = 0; p < Phase.COUNT; p++) {
            PHASES[p] = new SerializedString(Phase.NAMES[p]);
        }
        for (int k = 0; k < Event.COUNT; k++) {
            EVENTS[k] = new SerializedString(Event.NAMES[k]);
        }
    }

    private final JsonGenerator json;
    private final double ghz;
    private final long maxEvents;
    private final long fromCycles;
    private final long untilCycles;
    private long written;
    private boolean full;
    private long nextFlow = 1;
    private boolean closed;

    /** IPIs sent and not yet taken, by (target, sender, handler): the time of the earliest (later ones coalesce into it). */
    private final Map<Long, Long> inFlight = new HashMap<>();
    private final Map<String, SerializedString> cleaned = new HashMap<>();
    private final char[] number = new char[24];

    /** One event's fields, written between its braces. */
    private interface Fields {
        void write() throws IOException;
    }

    /**
     * Jackson's generator with one trace event a line: what a reader of the file scrolls through, and what
     * a broken file shows the last whole event of. Nothing else is added (the file is large).
     */
    private static final class OneEventALine extends MinimalPrettyPrinter {
        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw("[\n");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            g.writeRaw("\n]");
        }
    }

    /**
     * Starts the trace on {@code out} (which this writer closes): the process named {@code process},
     * one track per CPU, times converted from cycles at {@code ghz}.
     */
    public PerfettoTraceWriter(Writer out, String process, int cpus, double ghz, Limits limits) {
        if (cpus < 1 || !(ghz > 0)) {
            throw new IllegalArgumentException("need cpus >= 1 and ghz > 0");
        }
        this.ghz = ghz;
        this.maxEvents = limits.maxEvents();
        this.fromCycles = cycles(limits.fromMicros());
        this.untilCycles = Double.isInfinite(limits.untilMicros()) ? Long.MAX_VALUE : cycles(limits.untilMicros());
        try {
            json = FACTORY.createGenerator(out);
            json.setPrettyPrinter(new OneEventALine());
            json.writeStartObject();
            json.writeArrayFieldStart("traceEvents");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        emit(false, () -> {
            json.writeStringField("name", "process_name");
            json.writeStringField("ph", "M");
            json.writeNumberField("pid", PID);
            json.writeNumberField("tid", 0);
            json.writeObjectFieldStart("args");
            json.writeFieldName(NAME);
            json.writeString(clean(process));
            json.writeEndObject();
        });
        for (int c = 0; c < cpus; c++) {
            int cpu = c;
            emit(false, () -> {
                json.writeStringField("name", "thread_name");
                json.writeStringField("ph", "M");
                json.writeNumberField("pid", PID);
                json.writeNumberField("tid", cpu);
                json.writeObjectFieldStart("args");
                json.writeStringField("name", "cpu " + cpu);
                json.writeEndObject();
            });
            emit(false, () -> {
                json.writeStringField("name", "thread_sort_index");
                json.writeStringField("ph", "M");
                json.writeNumberField("pid", PID);
                json.writeNumberField("tid", cpu);
                json.writeObjectFieldStart("args");
                json.writeNumberField("sort_index", cpu);
                json.writeEndObject();
            });
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
        try {
            json.writeEndArray();
            json.writeStringField("displayTimeUnit", "ns");
            json.writeObjectFieldStart("otherData");
            json.writeStringField("generator", "shootdown");
            json.writeNumberField("ghz", ghz);
            json.writeNumberField("events", written);
            json.writeBooleanField("truncated", full);
            json.writeEndObject();
            json.writeEndObject();
            json.writeRaw('\n');
            json.close();
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
        String name = label == null ? Phase.NAMES[phase] : blocked ? (phase == Phase.IDLE ? "idle" : "blocked (" + Phase.NAMES[phase] + ")") : label;
        emit(true, () -> {
            json.writeFieldName(PH);
            json.writeString(COMPLETE);
            json.writeFieldName(TS);
            micros(ns);
            json.writeFieldName(DUR);
            micros(durNs);
            track(cpu);
            json.writeFieldName(CAT);
            json.writeString(PHASES[phase]);
            json.writeFieldName(NAME);
            json.writeString(clean(name));
            json.writeFieldName(ARGS);
            json.writeStartObject();
            json.writeFieldName(PHASE);
            json.writeString(PHASES[phase]);
            if (label != null) {
                json.writeFieldName(LABEL);
                json.writeString(clean(label));
            }
            json.writeEndObject();
        });
    }

    private void instant(long time, int cpu, int kind, int a, int b) {
        if (!room()) {
            return;
        }
        emit(true, () -> {
            json.writeFieldName(PH);
            json.writeString(INSTANT);
            json.writeFieldName(TS);
            micros(nanos(time));
            track(cpu);
            json.writeFieldName(SCOPE);
            json.writeString(THREAD);
            json.writeFieldName(CAT);
            json.writeString(EVENT);
            json.writeFieldName(NAME);
            json.writeString(EVENTS[kind]);
            json.writeFieldName(ARGS);
            json.writeStartObject();
            if (ARG_A[kind] != null) {
                json.writeNumberField(ARG_A[kind], a);
                if (ARG_B[kind] != null) {
                    json.writeNumberField(ARG_B[kind], b);
                }
            }
            json.writeEndObject();
        });
    }

    /** The arrow from a send to the handler entry; name and cat must match on both ends (Perfetto keys v1 flows by id, cat and name). */
    private void flow(long sentAt, int sender, long enteredAt, int target, int handler) {
        long id = nextFlow++;
        long sendNs = nanos(sentAt);
        long enterNs = Math.max(sendNs, nanos(enteredAt));
        emit(true, () -> {
            json.writeStringField("ph", "s");
            json.writeFieldName("ts");
            micros(sendNs);
            flowEnd(sender, id, "target", target, handler);
        });
        emit(true, () -> {
            json.writeStringField("ph", "f");
            json.writeStringField("bp", "e");
            json.writeFieldName("ts");
            micros(enterNs);
            flowEnd(target, id, "sender", sender, handler);
        });
    }

    /** The fields both ends of a flow share, after their times: on {@code tid}, naming the CPU at the other end and the handler. */
    private void flowEnd(int tid, long id, String other, int otherCpu, int handler) throws IOException {
        track(tid);
        json.writeStringField("cat", "ipi");
        json.writeStringField("name", "ipi");
        json.writeNumberField("id", id);
        json.writeObjectFieldStart("args");
        json.writeNumberField(other, otherCpu);
        json.writeNumberField("handler", handler);
        json.writeEndObject();
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

    /** The process and thread of an event: the run, and the CPU's track. */
    private void track(int cpu) throws IOException {
        json.writeFieldName(PID_FIELD);
        json.writeNumber(PID);
        json.writeFieldName(TID);
        json.writeNumber(cpu);
    }

    /** Nanoseconds as microseconds with exactly three decimals: no binary fraction, no exponent. */
    private void micros(long ns) throws IOException {
        // Digits from the right: three decimals, the point, then the whole microseconds (at least one digit).
        int at = number.length;
        long v = ns;
        for (int i = 0; i < 3; i++) {
            number[--at] = (char) ('0' + v % 10);
            v /= 10;
        }
        number[--at] = '.';
        do {
            number[--at] = (char) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        json.writeRawValue(number, at, number.length - at);
    }

    /**
     * A string as Perfetto reads it: control characters become spaces, since its tokenizer refuses them and
     * their \\u escapes (which is what Jackson would write) alike; quoted and escaped once per distinct string.
     */
    private SerializedString clean(String s) {
        SerializedString c = cleaned.get(s);
        if (c == null) {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                b.append(ch < 0x20 || ch == 0x7f ? ' ' : ch);
            }
            c = new SerializedString(b.toString());
            if (cleaned.size() < 100_000) {
                cleaned.put(s, c);
            }
        }
        return c;
    }

    /** One trace event: its fields between braces; {@code counted} unless it is metadata naming the process or a track. */
    private void emit(boolean counted, Fields fields) {
        try {
            json.writeStartObject();
            fields.write();
            json.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (counted) {
            written++;
        }
    }
}
