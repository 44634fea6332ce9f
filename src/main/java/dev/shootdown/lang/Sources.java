package dev.shootdown.lang;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one reader of the files a user gives: models, workload snippets, profiles and report inputs.
 * A file that cannot be read, is larger than {@link #MAX_BYTES} or is not UTF-8 is a user error
 * with a plain message; the size is checked while reading, since {@code /dev/zero} or a pipe has
 * no size to ask for.
 */
public final class Sources {
    /** The largest file read: far above any model (a few KiB) and any report input (about 2 KiB a run). */
    public static final int MAX_MIB = 16;
    public static final int MAX_BYTES = MAX_MIB << 20;

    private Sources() {}

    /** A model file (or a workload snippet) as a source to parse. */
    public static SourceFile read(Path path) {
        return new SourceFile(path.toString(), text(path));
    }

    /** A file's text, decoded strictly as UTF-8; a byte-order mark at the start is dropped. */
    public static String text(Path path) {
        byte[] bytes = bytes(path);
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return SourceFile.canonical(strict.decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw notUtf8(path, bytes);
        }
    }

    /** At most {@link #MAX_BYTES} bytes of the file; one more means it is too large. */
    static byte[] bytes(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new UserError(path + ": too large (more than " + MAX_MIB + " MiB): Shootdown reads models, workloads, profiles and reports of at most "
                        + MAX_MIB + " MiB");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read (" + (e.getMessage() == null ? e.toString() : e.getMessage()) + ")");
        }
    }

    /**
     * The error at the first byte that is not UTF-8, at its line and column: the text before it is
     * valid, and the line is shown with U+FFFD in place of the bad bytes.
     */
    private static CompileError notUtf8(Path path, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer prefix = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, prefix, true);
        if (!r.isError()) {
            r = decoder.flush(prefix);
        }
        int bad = in.position();
        String before = SourceFile.canonical(prefix.flip().toString());
        SourceFile lenient = new SourceFile(path.toString(), new String(bytes, StandardCharsets.UTF_8));
        // A file that starts with a byte-order mark lost it in both texts: the offsets still agree.
        int offset = Math.min(before.length(), lenient.text().length());
        int b = bad < bytes.length ? bytes[bad] & 0xFF : 0;
        String what = bad < bytes.length ? String.format("byte 0x%02X", b) : "the file ends inside a character";
        String why = bad >= bytes.length ? "" : b >= 0x80 && b < 0xC0 ? ", a continuation byte where a character should start"
                : b >= 0xF5 || b == 0xC0 || b == 0xC1 ? ", which UTF-8 never uses" : ", which starts a character that is cut short or invalid";
        return new CompileError(lenient.position(offset), "not UTF-8 (" + what + why + "): save the file as UTF-8");
    }
}
