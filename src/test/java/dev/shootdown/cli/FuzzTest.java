package dev.shootdown.cli;

import dev.shootdown.lang.Builtin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutants of every model we ship (the catalog, the protocols, the docs' files and examples) run
 * through the real command line, in process ({@code check --max-states N}, sometimes with
 * {@code --json}, {@code --first}, or {@code --html} and {@code --mermaid}): whatever the input, it
 * ends with exit 0, 1, 2 or 3, an exit 2 says where (file:line:column) or is one
 * {@code shootdown: ...} line, and nothing is an internal error or a stack trace.
 *
 * <p>Under {@code ./mvnw verify} it runs {@value #DEFAULT_COUNT} inputs from a fixed seed. A long run
 * is {@code tools/fuzz} (or {@code -Dfuzz.count=100000 -Dfuzz.seed=N}); each failing input is kept in
 * {@code target/fuzz-failures/} with the command and what it printed.
 */
class FuzzTest {
    static final int DEFAULT_COUNT = 300;
    static final long DEFAULT_SEED = 0x5D0_F022L;
    /** The stack the CLI's main thread has by default on x86-64 Linux: mutants run on one of that size. */
    private static final long MAIN_STACK = 1024 * 1024;
    private static final Path OUT = Path.of("target", "fuzz-failures");

    /** Words and symbols a token edit puts in: the language's own, and numbers at the edges of its ranges. */
    private static final List<String> WORDS;

    static {
        List<String> w = new ArrayList<>(List.of("title", "seed", "expect", "explain", "hardware", "mm", "frames", "shared", "percpu", "proc", "irq",
                "cpu", "check", "invariant", "if", "else", "while", "loop", "for", "repeat", "wait", "until", "atomic", "return", "assert", "in", "runs",
                "page", "table", "frame", "true", "false", "self", "all_cpus", "nr_cpus", "x86", "arm64", "ppc", "xen-pv", "tile", "cpus",
                "tlb_capacity", "evictions", "blind_set", "software_dirty", "memory", "sc", "tso", "store_buffer", "ipi_latched", "speculative_walks",
                "paging_cache", "lpae", "off", "on", "pcid", "rcu_slots", "icache", "incoherent", "xen_queue", "apic", "xapic", "writable", "readonly",
                "dirty", "accessed", "saved", "unmapped", "unhooked", "pfn", "present", "int", "bool", "cpuset", "pte", "no_use_after_free",
                "no_lost_write", "no_write_after_protect", "no_walk_of_freed_table", "no_stale_icache", "no_deadlock", "safe", "use_after_free",
                "{", "}", "(", ")", "[", "]", ",", ";", ":", ".", "..", "->", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "&", "|",
                "!", "&&", "||", "//", "#", "/*", "*/", "\"", "\"\"\"", "\n", "\r", "\r\n", "\t", "0", "1", "2", "3", "31", "32", "33", "64", "65",
                "254", "255", "4096", "4097", "65536", "2147483647", "2147483648", "99999999999", "-1", "\u0000", "\u001B", "\uFEFF", "\u20AC",
                "\uD835\uDC65", "\uD83D\uDE00", "_", "__gup_fast_pte"));
        Arrays.stream(Builtin.values()).map(Builtin::word).forEach(w::add);
        WORDS = List.copyOf(w);
    }

    /** Byte sequences a byte edit puts in: not UTF-8, cut short, a surrogate, a byte-order mark, controls, line endings. */
    private static final byte[][] BYTES = {
            {0x00}, {0x0D}, {0x0A}, {0x09}, {0x1B}, {0x7F}, {(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, {(byte) 0xF0, (byte) 0x9D, (byte) 0x91, (byte) 0xA5}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

    private static final Pattern TOKEN = Pattern.compile("\"\"\"|[A-Za-z_][A-Za-z_0-9]*|[0-9]+|\\.\\.|->|==|!=|<=|>=|&&|\\|\\||//|/\\*|\\*/|\\s+|.",
            Pattern.DOTALL);

    /** What one mutant gave, and where it came from (to reproduce it). */
    record Outcome(String origin, Path file, List<String> args, int exit, String out, String err, Throwable thrown) {}

    @Test
    @DisplayName("mutants of the shipped models: exit 0-3, a positioned or one-line error, never an internal error or a stack trace")
    void mutantsNeverCrash() throws Exception {
        int count = Integer.getInteger("fuzz.count", DEFAULT_COUNT);
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        List<Seed> seeds = corpus();
        assertThat(seeds).hasSizeGreaterThan(60);

        SplittableRandom random = new SplittableRandom(seed);
        Path dir = Files.createTempDirectory("fuzz");
        Map<Integer, Integer> exits = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Each input has a generator of its own, split off in order: input i is the same whatever the count.
            SplittableRandom r = random.split();
            Seed s = seeds.get(r.nextInt(seeds.size()));
            StringBuilder how = new StringBuilder();
            byte[] mutant = mutate(s.text(), r, how);
            Path file = dir.resolve("m" + i + ".sd");
            Files.write(file, mutant);
            List<String> args = new ArrayList<>(List.of("check", file.toString(), "--max-states", Integer.toString(new int[] {1, 40, 400}[r.nextInt(3)])));
            if (r.nextInt(3) == 0) {
                args.add("--json");
            }
            if (r.nextInt(4) == 0) {
                args.add("--first");
            }
            // Sometimes the counterexample's other renderings too.
            Path html = dir.resolve("m" + i + ".html");
            Path mermaid = dir.resolve("m" + i + ".mmd");
            if (r.nextInt(8) == 0) {
                args.addAll(List.of("--html", html.toString(), "--mermaid", mermaid.toString()));
            }
            Outcome o = run(s.name() + " " + how, file, args);
            Files.deleteIfExists(html);
            Files.deleteIfExists(mermaid);
            exits.merge(o.exit(), 1, Integer::sum);
            String problem = problem(o);
            if (problem != null) {
                failures.add("input " + i + " (seed " + seed + "): " + problem + "; kept as " + keep(seed, i, o, mutant));
            }
            Files.delete(file);
        }
        Files.delete(dir);
        String summary = "fuzz: " + count + " inputs from seed " + seed + " (" + seeds.size() + " models), exit codes " + exits + ", " + failures.size()
                + " failures\n";
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fuzz-summary.txt"), summary + String.join("\n", failures) + "\n");
        assertThat(failures).as(summary).isEmpty();
        // Mutants must reach the checker as well as the error paths, or the test proves little.
        assertThat(exits.keySet()).as(summary).contains(1, 2);
    }

    /** What is wrong with an outcome, or null. */
    static String problem(Outcome o) {
        if (o.thrown() != null) {
            return "threw " + o.thrown();
        }
        if (o.exit() < 0 || o.exit() > 3) {
            return "exit " + o.exit() + ": " + firstLine(o.err());
        }
        for (String text : List.of(o.out(), o.err())) {
            if (text.contains("internal error") || text.contains("\tat ") || text.contains("Exception")) {
                return "a crash printed: " + firstLine(text.substring(Math.max(0, Math.max(text.indexOf("internal error"), text.indexOf("Exception")) - 200)));
            }
        }
        if (o.exit() == 2) {
            String first = firstLine(o.err());
            boolean positioned = first.startsWith(o.file() + ":") && first.substring(o.file().toString().length()).matches(":\\d+:\\d+: .+");
            boolean oneLine = first.startsWith("shootdown: ") && o.err().strip().lines().count() == 1;
            if (!positioned && !oneLine) {
                return "exit 2 without a position: " + first;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    /** Runs the CLI on a thread with the main thread's stack; an Error thrown out of it is an outcome too. */
    static Outcome run(String origin, Path file, List<String> args) throws InterruptedException {
        AtomicReference<MainTest.Run> run = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                run.set(MainTest.run(args.toArray(String[]::new)));
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "fuzz", MAIN_STACK);
        t.start();
        t.join();
        MainTest.Run r = run.get();
        return r == null ? new Outcome(origin, file, args, -1, "", "", thrown.get()) : new Outcome(origin, file, args, r.exit(), r.out(), r.err(), null);
    }

    private static Path keep(long seed, int i, Outcome o, byte[] mutant) {
        try {
            Files.createDirectories(OUT);
            Path sd = OUT.resolve(seed + "-" + i + ".sd");
            Files.write(sd, mutant);
            StringBuilder b = new StringBuilder("from: " + o.origin() + "\nargs: " + String.join(" ", o.args()).replace(o.file().toString(), sd.toString())
                    + "\nexit: " + o.exit() + "\n");
            if (o.thrown() != null) {
                b.append("thrown: ").append(o.thrown()).append('\n');
                for (StackTraceElement e : o.thrown().getStackTrace()) {
                    b.append("\tat ").append(e).append('\n');
                    if (b.length() > 20_000) {
                        break;
                    }
                }
            }
            b.append("--- stdout\n").append(o.out()).append("--- stderr\n").append(o.err());
            Files.writeString(sd.resolveSibling(seed + "-" + i + ".txt"), b.toString());
            return sd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the corpus ----

    /** A model to mutate: where it is and its text. */
    record Seed(String name, String text) {}

    static List<Seed> corpus() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("catalog", "index.txt"), StandardCharsets.UTF_8)) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                seeds.add(new Seed("catalog/" + name, Files.readString(Path.of("catalog", name), StandardCharsets.UTF_8)));
            }
        }
        for (Path root : List.of(Path.of("docs"), Path.of("protocols"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".sd")).sorted().toList()) {
                    seeds.add(new Seed(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        // The examples of the language reference cover a feature each.
        for (Path doc : List.of(Path.of("docs", "language.md"), Path.of("README.md"))) {
            Matcher m = Pattern.compile("```sd\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc, StandardCharsets.UTF_8));
            for (int n = 1; m.find(); n++) {
                seeds.add(new Seed(doc + " example " + n, m.group(1)));
            }
        }
        return seeds;
    }

    // ---- mutations ----

    /** One to three edits of {@code text}, chosen by {@code r}; {@code how} names them. */
    static byte[] mutate(String text, SplittableRandom r, StringBuilder how) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // Mostly one edit, so that many mutants still compile and reach the checker.
        int edits = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
        for (int e = 0; e < edits; e++) {
            int kind = r.nextInt(15);
            how.append(e == 0 ? "" : ", ");
            String s = new String(bytes, StandardCharsets.UTF_8);
            bytes = switch (kind) {
                case 0, 1, 2 -> utf8(tokenEdit(s, r, how));
                case 3, 4 -> utf8(lineEdit(s, r, how));
                case 5, 6 -> byteEdit(bytes, r, how);
                case 7 -> truncate(bytes, r, how);
                case 8, 9, 10 -> utf8(nest(s, r, how));
                default -> utf8(featureEdit(s, r, how));
            };
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Delete, duplicate, replace, swap or insert a token. */
    static String tokenEdit(String s, SplittableRandom r, StringBuilder how) {
        List<String> t = tokens(s);
        if (t.isEmpty()) {
            return WORDS.get(r.nextInt(WORDS.size()));
        }
        int i = r.nextInt(t.size());
        // Half the time a token of the same file: a name or number that may well still compile.
        String word = r.nextBoolean() ? t.get(r.nextInt(t.size())) : WORDS.get(r.nextInt(WORDS.size()));
        switch (r.nextInt(5)) {
            case 0 -> {
                how.append("delete token ").append(i);
                t.remove(i);
            }
            case 1 -> {
                how.append("duplicate token ").append(i);
                t.add(i, t.get(i));
            }
            case 2 -> {
                how.append("replace token ").append(i).append(" by ").append(visible(word));
                t.set(i, word);
            }
            case 3 -> {
                int j = r.nextInt(t.size());
                how.append("swap tokens ").append(i).append(", ").append(j);
                String x = t.get(i);
                t.set(i, t.get(j));
                t.set(j, x);
            }
            default -> {
                how.append("insert ").append(visible(word)).append(" at token ").append(i);
                t.add(i, (r.nextBoolean() ? " " : "") + word + (r.nextBoolean() ? " " : ""));
            }
        }
        return String.join("", t);
    }

    /** Delete, duplicate, swap or move a line. */
    static String lineEdit(String s, SplittableRandom r, StringBuilder how) {
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int i = r.nextInt(lines.size());
        int j = r.nextInt(lines.size());
        switch (r.nextInt(4)) {
            case 0 -> {
                how.append("delete line ").append(i + 1);
                lines.remove(i);
            }
            case 1 -> {
                how.append("duplicate line ").append(i + 1);
                lines.add(i, lines.get(i));
            }
            case 2 -> {
                how.append("swap lines ").append(i + 1).append(", ").append(j + 1);
                String x = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, x);
            }
            default -> {
                how.append("move line ").append(i + 1).append(" to ").append(j + 1);
                lines.add(j, lines.remove(i));
            }
        }
        return String.join("\n", lines);
    }

    /** Insert or overwrite bytes: a chosen sequence or random ones. */
    static byte[] byteEdit(byte[] b, SplittableRandom r, StringBuilder how) {
        byte[] seq;
        if (r.nextBoolean()) {
            seq = BYTES[r.nextInt(BYTES.length)];
        } else {
            seq = new byte[1 + r.nextInt(4)];
            for (int k = 0; k < seq.length; k++) {
                seq[k] = (byte) r.nextInt(256);
            }
        }
        int at = r.nextInt(b.length + 1);
        boolean overwrite = r.nextBoolean() && at + seq.length <= b.length;
        how.append(overwrite ? "overwrite" : "insert").append(" bytes ").append(hex(seq)).append(" at byte ").append(at);
        if (overwrite) {
            byte[] out = b.clone();
            System.arraycopy(seq, 0, out, at, seq.length);
            return out;
        }
        byte[] out = new byte[b.length + seq.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(seq, 0, out, at, seq.length);
        System.arraycopy(b, at, out, at + seq.length, b.length - at);
        return out;
    }

    static byte[] truncate(byte[] b, SplittableRandom r, StringBuilder how) {
        int at = r.nextInt(b.length + 1);
        how.append("truncate at byte ").append(at);
        return Arrays.copyOf(b, at);
    }

    /** Deepen something: a line in ifs or blocks, a value in parentheses, minus signs or a long sum, a chain or tree of calls. */
    static String nest(String s, SplittableRandom r, StringBuilder how) {
        // Around the limits (100 levels, 32 calls) more often than not.
        int k = r.nextInt(4) == 0 ? 1 + r.nextInt(400) : 20 + r.nextInt(100);
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int i = r.nextInt(lines.size());
        String line = lines.get(i);
        int eq = line.indexOf("= ");
        switch (r.nextInt(8)) {
            case 0 -> {
                how.append("line ").append(i + 1).append(" in ").append(k).append(" ifs");
                lines.set(i, "if true { ".repeat(k) + line + " }".repeat(k));
            }
            case 1 -> {
                how.append("line ").append(i + 1).append(" in ").append(k).append(" blocks");
                lines.set(i, "{".repeat(k) + line + "}".repeat(k));
            }
            case 2 -> {
                how.append("value of line ").append(i + 1).append(" in ").append(k).append(" parentheses");
                lines.set(i, eq < 0 ? "(".repeat(k) + line + ")".repeat(k) : line.substring(0, eq + 2) + "(".repeat(k) + line.substring(eq + 2) + ")".repeat(k));
            }
            case 3 -> {
                how.append("value of line ").append(i + 1).append(" after a sum of ").append(k);
                lines.set(i, eq < 0 ? line + " + 1".repeat(k) : line.substring(0, eq + 2) + "1 + ".repeat(k) + line.substring(eq + 2));
            }
            case 4 -> {
                how.append("value of line ").append(i + 1).append(" after ").append(k).append(" minus signs");
                lines.set(i, eq < 0 ? "-".repeat(k) + line : line.substring(0, eq + 2) + (r.nextBoolean() ? "-" : "!").repeat(k) + line.substring(eq + 2));
            }
            case 5 -> {
                how.append("line ").append(i + 1).append(" after ").append(k).append(" else ifs");
                lines.set(i, line + " else if true { }".repeat(k));
            }
            default -> {
                // Half within the 32 calls allowed, where a fanout of 2 grows the inlined copies exponentially.
                int depth = r.nextBoolean() ? 5 + r.nextInt(28) : Math.min(k, 60);
                int fanout = r.nextInt(3) == 0 ? 2 : 1;
                how.append(depth).append(" procedures calling the next ").append(fanout).append(" times, called at line ").append(i + 1);
                for (int p = 0; p < depth; p++) {
                    lines.add("proc zz" + p + "() {" + (" zz" + (p + 1) + "();").repeat(fanout) + " }");
                }
                lines.add("proc zz" + depth + "() { x = 1 }");
                int brace = line.indexOf('{');
                lines.set(i, brace < 0 ? line + " zz0()" : line.substring(0, brace + 1) + " zz0(); " + line.substring(brace + 1));
            }
        }
        return String.join("\n", lines);
    }

    /** Knobs a feature edit adds to the hardware declaration: each feature of the machine, sizes at their ends. */
    private static final List<String> KNOBS = List.of("evictions", "blind_set", "software_dirty", "software_dirty off", "memory tso", "memory sc",
            "store_buffer 1", "store_buffer 8", "ipi_latched", "speculative_walks", "paging_cache lpae", "paging_cache x86", "paging_cache off", "pcid",
            "rcu_slots 1", "rcu_slots 8", "icache incoherent", "icache coherent", "xen_queue 1", "xen_queue 8", "apic xapic", "apic x2apic",
            "tlb_capacity 1", "tlb_capacity 64", "tlb_single_page_flush_ceiling 0", "tlb_single_page_flush_ceiling 1", "cpus 1", "cpus 2", "cpus 3", "cpus 31", "cpus 32");

    /** Statements a feature edit adds: every kind of built-in, on names of the file (P a page, F a frame, M an mm, H a handler, T a table). */
    private static final List<String> STATEMENTS = List.of("flush_tlb_all()", "smp_mb()", "smp_wmb()", "local_irq_disable()", "local_irq_enable()",
            "rcu_read_lock()", "rcu_read_unlock()", "xen_flush_queue()", "xen_tlb_flush_all()", "tlbsync()", "dsb_ish()", "weak_wrmsr_fence()",
            "flush_icache_all()", "read(P)", "write(P)", "exec(P)", "flush_tlb_page(P)", "tlbie(P)", "tlbi_is(P)", "invlpgb(P)", "gup_fast(P)",
            "pte_clear(P)", "set_pte(P, mk_pte(F, true))", "o = ptep_get_and_clear(P)", "ptep_mkclean(P)", "ptep_set_wrprotect(P)",
            "y = ptep_test_and_clear_young(P)", "z = ptep_cmpxchg(P, ptep_get(P), pte_mkold(ptep_get(P)))", "protect_done(P)", "xen_invlpg_all(P)",
            "free_frame(F)", "writeback(F)", "write_frame(F)", "rcu_free(F)", "n = alloc_frame()", "switch_mm(M)", "cpumask_set(M, 0)",
            "cpumask_clear(M, nr_cpus - 1)", "send_ipi(all_cpus, H)", "send_ipi(cpumask(M) - self, H)", "ack(0)", "ack(self)",
            "wait until acked(all_cpus)", "atomic { read(P); write(P) }", "atomic { wait until frame_is_free(F); x = 1 }", "repeat 2 { write(P) }",
            "for c in all_cpus { flush_remote({c}, P) }", "pmd_clear(T)", "pmd_populate(T, F)", "t = pmdp_get_and_clear(T)",
            "pud_clear(T)", "pud_populate(T, F)", "p4d_clear(T)", "u = pud_get(T)", "flush_tlb_range(P, P)", "tlbi_range_is(P, P, true)", "tlbi_range_is(P, P, false)",
            "free_frame(table_frame(T))", "assert count(all_cpus) == nr_cpus", "assert { c in all_cpus : c != self } != {}", "spin_lock(L)",
            "spin_unlock(L)", "return", "loop { read(P) }", "while true { write(P) }");

    /** A knob in the hardware declaration, or a statement at the start of a block, named after the file's own pages, frames, address spaces, handlers and tables. */
    static String featureEdit(String s, SplittableRandom r, StringBuilder how) {
        if (r.nextBoolean()) {
            int hw = s.indexOf("hardware");
            int open = hw < 0 ? -1 : s.indexOf('{', hw);
            String knob = KNOBS.get(r.nextInt(KNOBS.size()));
            how.append("add knob ").append(knob);
            return open < 0 ? s : s.substring(0, open + 1) + " " + knob + ";" + s.substring(open + 1);
        }
        String stmt = STATEMENTS.get(r.nextInt(STATEMENTS.size()))
                .replace("P", name(s, "page (\\w+)", "p", r)).replace("F", name(s, "frame (\\w+)", "f", r)).replace("M", name(s, "mm (\\w+)", "A", r))
                .replace("H", name(s, "irq (\\w+)", "h", r)).replace("T", name(s, "table (\\w+)", "t", r))
                .replace("L", name(s, "shared (\\w+) = 0", "lock", r));
        List<Integer> braces = new ArrayList<>();
        for (int i = s.indexOf('{'); i >= 0; i = s.indexOf('{', i + 1)) {
            braces.add(i);
        }
        if (braces.isEmpty()) {
            how.append("append cpu 0 running ").append(stmt);
            return s + "\ncpu 0 runs " + name(s, "mm (\\w+)", "A", r) + ": { " + stmt + " }\n";
        }
        int at = braces.get(r.nextInt(braces.size()));
        how.append("insert ").append(stmt).append(" after the '{' at ").append(at);
        return s.substring(0, at + 1) + " " + stmt + "; " + s.substring(at + 1);
    }

    /** One of the names the file declares with {@code pattern}, or {@code fallback}. */
    private static String name(String s, String pattern, String fallback, SplittableRandom r) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile(pattern).matcher(s);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names.isEmpty() ? fallback : names.get(r.nextInt(names.size()));
    }

    private static String visible(String word) {
        StringBuilder b = new StringBuilder("'");
        word.codePoints().forEach(c -> b.append(c < 0x20 || c >= 0x7F ? String.format("\\u%04X", c) : Character.toString(c)));
        return b.append('\'').toString();
    }

    private static String hex(byte[] seq) {
        StringBuilder b = new StringBuilder();
        for (byte x : seq) {
            b.append(String.format("%02X", x & 0xFF));
        }
        return b.toString();
    }
}
