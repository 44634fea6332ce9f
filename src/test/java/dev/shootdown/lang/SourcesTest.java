package dev.shootdown.lang;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link Sources}: the one reader of users' files refuses what is too large or not UTF-8 with a message that says where. */
class SourcesTest {
    private static final String MODEL = "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\ncpu 0 runs A: read(p)\n";

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    @DisplayName("a file of the limit is read; one byte more is too large, however it is stored (a sparse 3 GB file too)")
    void sizeLimit(@TempDir Path dir) throws IOException {
        Path atLimit = dir.resolve("at-limit.sd");
        Path over = dir.resolve("over.sd");
        Path huge = dir.resolve("huge.sd");
        for (Object[] f : new Object[][] {{atLimit, (long) Sources.MAX_BYTES}, {over, Sources.MAX_BYTES + 1L}, {huge, 3L << 30}}) {
            try (RandomAccessFile r = new RandomAccessFile(((Path) f[0]).toFile(), "rw")) {
                r.setLength((long) f[1]); // sparse: zeros that take no disk
            }
        }

        String text = Sources.text(atLimit);
        assertThat(text).hasSize(Sources.MAX_BYTES);
        assertThat(text.chars().allMatch(c -> c == 0)).isTrue();
        for (Path p : new Path[] {over, huge}) {
            UserError e = catchThrowableOfType(() -> Sources.text(p), UserError.class);
            assertThat(e).as(p.toString()).isNotNull();
            assertThat(e.getMessage()).startsWith(p + ": too large (more than 16 MiB)");
        }
    }

    @Test
    @DisplayName("/dev/zero, whose size is 0 to ask, is too large after 16 MiB")
    void endlessFile() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero), "needs /dev/zero");
        UserError e = catchThrowableOfType(() -> Sources.read(zero), UserError.class);
        assertThat(e.getMessage()).startsWith("/dev/zero: too large (more than 16 MiB)");
    }

    @Test
    @DisplayName("a byte that is not UTF-8 is an error at its line and column, the line shown with U+FFFD")
    void notUtf8IsPositioned(@TempDir Path dir) throws IOException {
        byte[] head = "hardware x86 { cpus 1 }\r\nmm A { page p -> frame f writable }\r\ncpu 0 runs A: { ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 4];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC3;
        bytes[head.length + 1] = '(';
        bytes[head.length + 2] = ' ';
        bytes[head.length + 3] = '}';
        Path f = write(dir, "bad.sd", bytes);

        CompileError e = catchThrowableOfType(() -> Sources.read(f), CompileError.class);

        assertThat(e).isNotNull();
        assertThat(e.position().line()).isEqualTo(3);
        assertThat(e.position().column()).isEqualTo(17);
        assertThat(e.getMessage()).startsWith("not UTF-8 (byte 0xC3");
        assertThat(e.render()).isEqualTo(f + ":3:17: " + e.getMessage() + "\ncpu 0 runs A: { \uFFFD( }\n                ^");
    }

    @Test
    @DisplayName("a stray continuation byte and a byte UTF-8 never uses are named as such")
    void badBytesAreNamed(@TempDir Path dir) throws IOException {
        CompileError cont = catchThrowableOfType(() -> Sources.text(write(dir, "c.sd", new byte[] {'a', (byte) 0x80})), CompileError.class);
        assertThat(cont.getMessage()).startsWith("not UTF-8 (byte 0x80, a continuation byte");
        assertThat(cont.position().column()).isEqualTo(2);
        CompileError never = catchThrowableOfType(() -> Sources.text(write(dir, "n.sd", new byte[] {'\n', (byte) 0xFF})), CompileError.class);
        assertThat(never.getMessage()).startsWith("not UTF-8 (byte 0xFF, which UTF-8 never uses");
        assertThat(never.position().line()).isEqualTo(2);
    }

    @Test
    @DisplayName("a UTF-8 byte-order mark at the start is skipped: positions start after it")
    void byteOrderMarkIsSkipped(@TempDir Path dir) throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] model = MODEL.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + model.length];
        System.arraycopy(bom, 0, bytes, 0, 3);
        System.arraycopy(model, 0, bytes, 3, model.length);

        SourceFile s = Sources.read(write(dir, "bom.sd", bytes));

        assertThat(s.text()).isEqualTo(MODEL);
        assertThat(Parser.parse(s).decls().get(0).pos().column()).isEqualTo(10);
    }
}
