package dev.shootdown.check;

import dev.shootdown.lang.UserError;
import dev.shootdown.model.Program;
import dev.shootdown.model.Verdict;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A search's whole state in one file, so that a long search can stop and carry on ({@code check --checkpoint DIR},
 * {@code --resume DIR}) and end exactly as a search without a break would: the visited set, the trace log, the
 * progress graph, the frontier (the state being expanded first, then the states the workers had taken, then the queue,
 * spilled blocks included), the counters and level sizes, the violations found and the properties still open.
 *
 * <p>The file, {@code DIR/search.checkpoint}, is written beside itself as {@code search.checkpoint.partial}, forced to
 * disk, then renamed over the old one (atomic within a directory), so a process killed at any moment leaves the previous
 * checkpoint whole. A CRC-32C of everything before it ends the file. Its header names the model by a hash of its source
 * text, its hardware and its initial state, and says which options shape the state space, so that a checkpoint is never
 * carried on with another model or options that would explore another space.
 */
final class Checkpoint {
    static final String FILE = "search.checkpoint";
    static final String PARTIAL = FILE + ".partial";
    /** "SHDNCKPT". */
    private static final long MAGIC = 0x5348444e434b5054L;
    /**
     * Raised whenever the layout of the file changes (2: fingerprints of packed states, the segmented visited set, the
     * trace as predecessor bits and action places; 3: the frontier packed, as the search queues it; 4: whether the
     * partial-order reduction was on, and its counts).
     */
    private static final int FORMAT = 4;
    private static final int BUFFER = 1 << 16;

    private static final byte EXACT_SET = 0;
    private static final byte INDEXED_SET = 1;
    private static final byte BITSTATE_SET = 2;

    private Checkpoint() {}

    /**
     * What the search counted when the checkpoint was written. {@code resumeAt}: successors of the first state of the
     * frontier already dealt with (a search stopped by its state limit stops in the middle of a state's successors).
     */
    /** {@code ample}: the states the partial-order reduction expanded by one step, {@code skipped} the transitions it left out. */
    record Counters(long transitions, int maxDepth, long expanded, int finished, long nanos, long spilled, int resumeAt, long ample, long skipped) {}

    /** The search beside its frontier; {@code graph} is null when no_deadlock's progress half is not checked. */
    record Search(Counters counters, List<Violation> violations, EnumSet<Verdict> open, LevelGrowth levels, FingerprintSet seen, TraceLog trace,
                  ProgressGraph graph) {
        long tableBytes() {
            return seen.bytes() + trace.bytes() + (graph == null ? 0 : graph.bytes());
        }
    }

    /** The options a checkpoint must be carried on with: they decide which states the search explores and when it stops. */
    record Shape(boolean reductions, boolean partialOrder, boolean allProperties, long bitstateBits) {
        /** Whether a search asked for as {@code asked} carries this one on: a bitstate search of the default size (-1) takes any size. */
        boolean carriedOnBy(Shape asked) {
            return reductions == asked.reductions && partialOrder == asked.partialOrder && allProperties == asked.allProperties
                    && (asked.bitstateBits < 0 ? bitstateBits > 0 : bitstateBits == asked.bitstateBits);
        }

        String describe() {
            List<String> words = new ArrayList<>();
            words.add(reductions ? "reductions" : "--no-reductions");
            words.add(partialOrder ? "partial-order reduction" : "no partial-order reduction");
            words.add(allProperties ? "every property decided" : "--first");
            words.add(bitstateBits == 0 ? "an exact visited set" : bitstateBits < 0 ? "--bitstate" : "--bitstate=" + BitstateSet.size(bitstateBits));
            return String.join(", ", words);
        }
    }

    /** The frontier, handed over record by record in the order the search will reach it. */
    interface Frontier {
        void each(StateQueue.Records sink) throws IOException;
    }

    /**
     * What names the model: a hash of its source text, its params' values (a {@code -D} changes the model, not its
     * text) and hardware, with its state layout's size and initial state's fingerprint (of its packing, as the search
     * fingerprints states: a change to the packing is a change to the visited set).
     */
    static String identity(Program program, StatePacker packer, int[] initialState) {
        long[] packed = new long[packer.maxLongs()];
        int bits = packer.pack(initialState, packed, 0);
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(("shootdown checkpoint " + FORMAT + "\n").getBytes(StandardCharsets.UTF_8));
            d.update(program.source().text().getBytes(StandardCharsets.UTF_8));
            d.update(("\nparams " + program.params()).getBytes(StandardCharsets.UTF_8));
            d.update(("\n" + program.hardware() + "\n" + initialState.length + " " + Fingerprint.of(packed, 0, StatePacker.longs(bits))).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Writes the checkpoint into {@code dir} (created if missing) and returns its size in bytes. On failure the
     * previous checkpoint is left as it was and the partial file removed.
     */
    static long write(Path dir, String identity, Shape shape, StatePacker packer, Search s, long frontierSize, Frontier frontier) throws IOException {
        Files.createDirectories(dir);
        Path partial = dir.resolve(PARTIAL);
        try {
            long bytes;
            try (FileOutputStream file = new FileOutputStream(partial.toFile())) {
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(file, BUFFER), crc));
                out.writeLong(MAGIC);
                out.writeInt(FORMAT);
                out.writeUTF(identity);
                out.writeBoolean(shape.reductions());
                out.writeBoolean(shape.partialOrder());
                out.writeBoolean(shape.allProperties());
                out.writeLong(shape.bitstateBits());
                out.writeLong(s.seen().size());
                out.writeLong(s.tableBytes());
                writeSearch(out, s);
                out.writeInt(packer.size());
                out.writeLong(frontierSize);
                long[] written = {0};
                FrontierRecords records = new FrontierRecords(packer);
                frontier.each((index, depth, state) -> {
                    records.write(out, index, depth, state);
                    written[0]++;
                });
                if (written[0] != frontierSize) {
                    throw new IllegalStateException("the frontier gave " + written[0] + " states, not " + frontierSize);
                }
                out.flush();
                // The checksum covers every byte above; it is written past the checked stream.
                new DataOutputStream(file).writeInt((int) crc.getValue());
                file.getChannel().force(true);
                bytes = file.getChannel().size();
            }
            try {
                Files.move(partial, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            return bytes;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Makes the rename itself durable where the system allows a directory to be forced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not every system opens a directory for reading; the file itself was forced.
        }
    }

    private static void writeSearch(DataOutputStream out, Search s) throws IOException {
        Counters c = s.counters();
        out.writeLong(c.transitions());
        out.writeInt(c.maxDepth());
        out.writeLong(c.expanded());
        out.writeInt(c.finished());
        out.writeLong(c.nanos());
        out.writeLong(c.spilled());
        out.writeInt(c.resumeAt());
        out.writeLong(c.ample());
        out.writeLong(c.skipped());
        out.writeInt(s.violations().size());
        for (Violation v : s.violations()) {
            out.writeInt(v.verdict().ordinal());
            out.writeInt(v.parent());
            out.writeInt(v.action());
            out.writeInt(v.depth());
            out.writeBoolean(v.note() != null);
            if (v.note() != null) {
                out.writeUTF(v.note());
            }
            out.writeBoolean(v.lasso());
        }
        int open = 0;
        for (Verdict v : s.open()) {
            open |= 1 << v.ordinal();
        }
        out.writeInt(open);
        s.levels().writeTo(out);
        out.writeByte(s.seen() instanceof IndexedFingerprintSet ? INDEXED_SET : s.seen() instanceof BitstateSet ? BITSTATE_SET : EXACT_SET);
        s.seen().writeTo(out);
        s.trace().writeTo(out);
        out.writeBoolean(s.graph() != null);
        if (s.graph() != null) {
            s.graph().writeTo(out);
        }
    }

    /**
     * The frontier's records on disk: each state packed as the search's queue holds it (a tenth or less of its words), after
     * its number and depth as differences from the record before (the frontier is numbered in order, at most two levels
     * deep), each a variable-length number.
     */
    private static final class FrontierRecords {
        private final StatePacker packer;
        private final long[] packed;
        private final int[] state;
        private int index = -1;
        private int depth;

        FrontierRecords(StatePacker packer) {
            this.packer = packer;
            this.packed = new long[packer.maxLongs()];
            this.state = new int[packer.size()];
        }

        void write(DataOutputStream out, int index, int depth, int[] state) throws IOException {
            int bits = packer.pack(state, packed, 0);
            writeVar(out, zigzag(index - this.index - 1));
            writeVar(out, zigzag(depth - this.depth));
            writeVar(out, bits);
            for (int b = 0; b < bits; b += 8) {
                out.writeByte((int) (packed[b >>> 6] >>> (b & 63)));
            }
            this.index = index;
            this.depth = depth;
        }

        void read(DataInputStream in, StateQueue.Records sink) throws IOException {
            index += unzigzag(readVar(in)) + 1;
            depth += unzigzag(readVar(in));
            int bits = readVar(in);
            if (bits < packer.fixedBits() || bits > packer.maxBits()) {
                throw new IOException("a frontier state of " + bits + " bits, where the model's take " + packer.fixedBits() + " to " + packer.maxBits());
            }
            java.util.Arrays.fill(packed, 0, StatePacker.longs(bits), 0);
            for (int b = 0; b < bits; b += 8) {
                packed[b >>> 6] |= (long) in.readUnsignedByte() << (b & 63);
            }
            if (packer.unpack(packed, 0, state) != bits) {
                throw new IOException("a frontier state that does not unpack to the bits it was written with");
            }
            sink.record(index, depth, state);
        }

        private static int zigzag(int v) {
            return (v << 1) ^ (v >> 31);
        }

        private static int unzigzag(int v) {
            return (v >>> 1) ^ -(v & 1);
        }

        private static void writeVar(DataOutputStream out, int v) throws IOException {
            while ((v & ~0x7f) != 0) {
                out.writeByte((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.writeByte(v);
        }

        private static int readVar(DataInputStream in) throws IOException {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = in.readUnsignedByte();
                v |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("a number longer than 5 bytes in the frontier");
        }
    }

    /** Opens the checkpoint in {@code dir} and reads its header; a missing or foreign file is the user's error. */
    static Reader open(Path dir) {
        Path path = dir.resolve(FILE);
        try {
            return new Reader(path, Files.newInputStream(path));
        } catch (NoSuchFileException e) {
            throw new UserError("--resume " + dir + ": no checkpoint there (" + FILE + " is missing)");
        } catch (IOException e) {
            throw new UserError("--resume " + dir + ": cannot read " + path + " (" + e.getMessage() + ")");
        }
    }

    /** A checkpoint being read, in the order it was written: {@link #expect}, {@link #search}, {@link #frontier}, {@link #close}. */
    static final class Reader implements AutoCloseable {
        private final Path path;
        private final InputStream raw;
        private final CRC32C crc = new CRC32C();
        private final DataInputStream in;
        private String identity;
        private Shape shape;
        private long tableBytes;

        private Reader(Path path, InputStream raw) {
            this.path = path;
            this.raw = new BufferedInputStream(raw, BUFFER);
            this.in = new DataInputStream(new CheckedInputStream(this.raw, crc));
            try {
                if (in.readLong() != MAGIC) {
                    throw damaged("not a checkpoint of Shootdown's");
                }
                int format = in.readInt();
                if (format != FORMAT) {
                    throw damaged("written by another version of Shootdown (format " + format + ", this one reads " + FORMAT + ")");
                }
                identity = in.readUTF();
                shape = new Shape(in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readLong());
                in.readLong(); // the states found, for a reader of the file
                tableBytes = in.readLong();
            } catch (IOException e) {
                close();
                throw damaged(e);
            }
        }

        /**
         * Refuses a checkpoint of another model, or one whose search explores another space than {@code shape} asks, or
         * whose tables do not fit {@code budget} bytes.
         */
        void expect(String model, Shape asked, long budget) {
            if (!identity.equals(model)) {
                throw new UserError("--resume: " + path + " is a checkpoint of another model (its source text, hardware or initial state differ from "
                        + "this one's); a checkpoint carries on only the model it was written for");
            }
            if (!shape.carriedOnBy(asked)) {
                throw new UserError("--resume: " + path + " was written by a search with " + shape.describe() + "; this one has " + asked.describe()
                        + ": give the same options to carry it on");
            }
            if (tableBytes > budget) {
                throw new UserError("--resume: the checkpoint's tables take " + (tableBytes >> 20) + " MiB, more than the search may use of this heap ("
                        + (budget >> 20) + " MiB, --memory of -Xmx): resume with a larger -Xmx (SHOOTDOWN_JAVA_OPTS)");
            }
        }

        /** Everything but the frontier; an exact visited set goes off the heap, into a file in {@code offHeap}, unless that is null. */
        Search search(Path offHeap) {
            try {
                Counters c = new Counters(in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
                int n = in.readInt();
                List<Violation> violations = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Verdict verdict = verdict(in.readInt());
                    int parent = in.readInt();
                    int action = in.readInt();
                    int depth = in.readInt();
                    String note = in.readBoolean() ? in.readUTF() : null;
                    violations.add(new Violation(verdict, parent, action, depth, note, in.readBoolean()));
                }
                int bits = in.readInt();
                EnumSet<Verdict> open = EnumSet.noneOf(Verdict.class);
                for (Verdict v : Verdict.values()) {
                    if ((bits & 1 << v.ordinal()) != 0) {
                        open.add(v);
                    }
                }
                LevelGrowth levels = LevelGrowth.readFrom(in);
                byte kind = in.readByte();
                FingerprintSet seen = switch (kind) {
                    case EXACT_SET -> offHeap != null ? MappedFingerprintSet.readFrom(in, offHeap) : OpenAddressingFingerprintSet.readFrom(in);
                    case INDEXED_SET -> IndexedFingerprintSet.readFrom(in);
                    case BITSTATE_SET -> BitstateSet.readFrom(in);
                    default -> throw damaged("unknown visited set " + kind);
                };
                TraceLog trace = TraceLog.readFrom(in);
                ProgressGraph graph = in.readBoolean() ? ProgressGraph.readFrom(in) : null;
                return new Search(c, violations, open, levels, seen, trace, graph);
            } catch (java.io.UncheckedIOException e) {
                throw new UserError("--resume: the visited set off the heap: " + e.getMessage());
            } catch (IOException | IllegalArgumentException e) {
                throw damaged(e);
            } catch (OutOfMemoryError e) {
                throw new UserError("--resume: the checkpoint's tables (" + (tableBytes >> 20) + " MiB) do not fit this heap: resume with a larger -Xmx");
            }
        }

        /** Hands the frontier's records to {@code sink}, states unpacked by {@code packer}; returns how many there were. */
        long frontier(StatePacker packer, StateQueue.Records sink) {
            try {
                int w = in.readInt();
                if (w != packer.size()) {
                    throw damaged("states of " + w + " words, the model's have " + packer.size());
                }
                long n = in.readLong();
                FrontierRecords records = new FrontierRecords(packer);
                for (long i = 0; i < n; i++) {
                    records.read(in, sink);
                }
                return n;
            } catch (IOException e) {
                throw damaged(e);
            }
        }

        /** Checks the checksum: the file ends here, and every byte read is the byte written. */
        void verify() {
            try {
                int expected = (int) crc.getValue();
                int stored = new DataInputStream(raw).readInt();
                if (stored != expected || raw.read() >= 0) {
                    throw damaged("its checksum does not match");
                }
            } catch (IOException e) {
                throw damaged(e);
            }
        }

        private Verdict verdict(int ordinal) {
            if (ordinal < 0 || ordinal >= Verdict.values().length) {
                throw damaged("unknown verdict " + ordinal);
            }
            return Verdict.values()[ordinal];
        }

        private UserError damaged(Exception e) {
            return damaged(e instanceof EOFException ? "it ends too early" : e.getMessage() == null ? e.toString() : e.getMessage());
        }

        private UserError damaged(String why) {
            return new UserError("--resume: " + path + " cannot be carried on: " + why);
        }

        @Override
        public void close() {
            try {
                raw.close();
            } catch (IOException e) {
                // Only read from: nothing is lost.
            }
        }
    }

    /** Writes {@code n} longs of {@code a} from {@code from}, big-endian, a buffer at a time. */
    static void writeLongs(DataOutputStream out, long[] a, int from, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BUFFER);
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, BUFFER / 8);
            b.clear();
            b.asLongBuffer().put(a, from + done, k);
            out.write(b.array(), 0, k * 8);
            done += k;
        }
    }

    static void readLongs(DataInputStream in, long[] a, int from, int n) throws IOException {
        byte[] bytes = new byte[BUFFER];
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, BUFFER / 8);
            in.readFully(bytes, 0, k * 8);
            ByteBuffer.wrap(bytes, 0, k * 8).asLongBuffer().get(a, from + done, k);
            done += k;
        }
    }

    /**
     * Reads {@code count} fingerprints a visited set wrote, {@code chunk} at a time, into {@code add}; a fingerprint
     * that is 0, or that {@code add} says it already holds, is a damaged file.
     */
    static void readFingerprints(DataInputStream in, long count, long[] chunk, java.util.function.LongPredicate add) throws IOException {
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunk.length, count - done);
            readLongs(in, chunk, 0, n);
            for (int k = 0; k < n; k++) {
                if (chunk[k] == 0 || !add.test(chunk[k])) {
                    throw new IllegalArgumentException("a fingerprint written twice, or empty");
                }
            }
            done += n;
        }
    }

    static void writeInts(DataOutputStream out, int[] a, int from, int n) throws IOException {
        if (n <= 16) {
            for (int i = 0; i < n; i++) {
                out.writeInt(a[from + i]);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.min(BUFFER, n * 4));
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, b.capacity() / 4);
            b.clear();
            b.asIntBuffer().put(a, from + done, k);
            out.write(b.array(), 0, k * 4);
            done += k;
        }
    }

    static void readInts(DataInputStream in, int[] a, int from, int n) throws IOException {
        if (n <= 16) {
            for (int i = 0; i < n; i++) {
                a[from + i] = in.readInt();
            }
            return;
        }
        byte[] bytes = new byte[Math.min(BUFFER, n * 4)];
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, bytes.length / 4);
            in.readFully(bytes, 0, k * 4);
            ByteBuffer.wrap(bytes, 0, k * 4).asIntBuffer().get(a, from + done, k);
            done += k;
        }
    }

    /** A length read from a checkpoint, refused when it is outside {@code [min, max]} (a damaged file, not a bug). */
    static long checked(long value, long min, long max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " " + value + " out of range");
        }
        return value;
    }
}
