package dev.shootdown.lang;

import dev.shootdown.model.Compiler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Characters beyond ASCII: a letter outside the BMP is one letter, and no message echoes a control character raw. */
class CharactersTest {
    private static final String HEAD = "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\n";

    private static CompileError error(String text) {
        return catchThrowableOfType(() -> Compiler.compile(Parser.parse(new SourceFile("t.sd", text))), CompileError.class);
    }

    @Test
    @DisplayName("a letter outside the BMP (U+1D465) is one letter of a name: the message shows it, and it counts one column")
    void supplementaryLetterIsOneLetter() {
        CompileError e = error(HEAD + "cpu 0 runs A: { \uD835\uDC65 = 1; read(\uD835\uDC65\uD835\uDC65\uD835\uDC65) }\n");

        // Two letters from the local: near enough for a suggestion when each letter counts one (four UTF-16 units would not be).
        assertThat(e.getMessage()).isEqualTo("unknown name '\uD835\uDC65\uD835\uDC65\uD835\uDC65': did you mean '\uD835\uDC65'?");
        assertThat(e.position().column()).isEqualTo(29);
        assertThat(e.render()).endsWith("\n" + " ".repeat(28) + "^");
    }

    @Test
    @DisplayName("an unexpected character outside ASCII is named with its code, a control or invisible one by its code alone")
    void unexpectedCharactersAreNamed() {
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \uD83D\uDE00\n").getMessage()).isEqualTo("unexpected character '\uD83D\uDE00' (U+1F600)");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \u20AC\n").getMessage()).isEqualTo("unexpected character '\u20AC' (U+20AC)");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \u0000\n").getMessage()).isEqualTo("unexpected character U+0000");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \u001B[2J\n").getMessage()).isEqualTo("unexpected character U+001B");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \u202E\n").getMessage()).isEqualTo("unexpected character U+202E");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \uFEFF\n").getMessage()).as("a byte-order mark not at the start").isEqualTo("unexpected character U+FEFF");
        assertThat(error(HEAD + "cpu 0 runs A: read(p) \u0663\n").getMessage()).as("digits are ASCII").isEqualTo("unexpected character '\u0663' (U+0663)");
    }

    @Test
    @DisplayName("the printed line never holds a raw control character: each is shown as a visible symbol")
    void renderedLineHasNoControlCharacters() {
        CompileError e = error(HEAD + "cpu 0 runs A: { read(p) } // \u0007\u001B[31m\u0000\n} @\n".replace("} @", "@"));
        String rendered = e.render();

        assertThat(rendered.codePoints().filter(c -> c != '\n' && c != '\t' && Character.isISOControl(c)).count()).as(rendered).isZero();

        CompileError onTheLine = error(HEAD + "cpu 0 runs A: \u0007 read(p)\n");
        assertThat(onTheLine.render()).isEqualTo("t.sd:3:15: unexpected character U+0007\ncpu 0 runs A: \u2407 read(p)\n              ^");
    }

    @Test
    @DisplayName("a control character in a string is an error naming its code; a tab is allowed")
    void controlCharactersInStrings() {
        assertThat(error("title \"bell\u0007\"\n" + HEAD).getMessage()).isEqualTo("control character U+0007 in a string");
        assertThat(error("explain \"\"\"a\n\u0000\"\"\"\n" + HEAD).getMessage()).isEqualTo("control character U+0000 in a string");
        Decl.Meta title = (Decl.Meta) Parser.parse(new SourceFile("t.sd", "title \"a\tb\"\n" + HEAD)).decls().get(0);
        assertThat(title.value()).isEqualTo("a\tb");
    }
}
