package dev.shootdown.editor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Lexer;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.Token;
import dev.shootdown.lang.TokenKind;
import dev.shootdown.lang.Type;
import dev.shootdown.model.Knob;
import dev.shootdown.model.Profiles;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TextMate grammar of editors/: it knows every word the compiler knows (each list the compiler
 * reads it from), it highlights every shipped model without an {@code invalid} scope and as the
 * real lexer reads it (strings, numbers, comments, built-in calls, keywords), and the Sublime copy
 * is the same grammar.
 */
class TextMateGrammarTest {
    static final Path GRAMMAR = Path.of("editors/vscode/syntaxes/shootdown.tmLanguage.json");
    static final Path PLIST = Path.of("editors/sublime/Shootdown.tmLanguage");

    private static TextMateTokenizer grammar() {
        try {
            return TextMateTokenizer.load(GRAMMAR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scopes of a one-line text. */
    private static TextMateTokenizer.Line line(String text) {
        List<String> open = new ArrayList<>();
        List<TextMateTokenizer.Line> lines = grammar().tokenize(text, open);
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    /** Asserts each character of {@code word} (at its first occurrence after {@code after}) has a scope starting with {@code scope}. */
    private static void assertScope(String text, String after, String word, String scope) {
        TextMateTokenizer.Line l = line(text);
        int at = text.indexOf(word, text.indexOf(after) + after.length());
        assertThat(at).as("'%s' in '%s'", word, text).isGreaterThanOrEqualTo(0);
        for (int i = at; i < at + word.length(); i++) {
            assertThat(l.scopes().get(i)).as("'%s' in '%s'", word, text).anyMatch(s -> s.startsWith(scope));
        }
        for (int i = 0; i < text.length(); i++) {
            assertThat(l.scopes().get(i)).as("character %d of '%s'", i, text).noneMatch(s -> s.startsWith("invalid"));
        }
    }

    @Test
    @DisplayName("every callable built-in is highlighted as one where it is called")
    void builtins() {
        for (Builtin b : Builtin.values()) {
            if (b.callable()) {
                assertScope("  x = " + b.word() + "(p)", "=", b.word(), "support.function.builtin");
            }
        }
        assertScope("  x = my_proc(p)", "=", "my_proc", "entity.name.function");
    }

    /** How each declaration word is written, to highlight it in place: a new word needs its line here. */
    static final Map<String, String> DECLARATION_LINES = Map.ofEntries(
            Map.entry("param", "param N = 3"), Map.entry("hardware", "hardware x86 { cpus 2 }"), Map.entry("mm", "mm A { page p -> frame f }"),
            Map.entry("frames", "frames g, h"), Map.entry("shared", "shared x = 0"), Map.entry("percpu", "percpu y: int"),
            Map.entry("proc", "proc shoot(va) {"), Map.entry("irq", "irq flush(from) {"), Map.entry("cpu", "cpu 0, 1..3 runs A: read(p)"),
            Map.entry("check", "check no_deadlock"), Map.entry("invariant", "invariant x == 0"), Map.entry("title", "title \"t\""),
            Map.entry("seed", "seed \"000\""), Map.entry("expect", "expect safe"), Map.entry("explain", "explain \"\"\"why\"\"\""));

    @Test
    @DisplayName("every keyword: declarations, statements, the words of their context, literals and built-in names")
    void keywords() {
        for (String w : Keywords.DECLARATIONS) {
            assertThat(DECLARATION_LINES).as("an example line for the declaration word '%s'", w).containsKey(w);
            String text = DECLARATION_LINES.get(w);
            TextMateTokenizer.Line l = line(text);
            assertThat(l.scopes().get(0)).as(text).anyMatch(s -> s.startsWith("keyword.") || s.startsWith("storage."));
        }
        for (String w : Keywords.STATEMENTS) {
            assertScope("  " + w + " x", "", w, "keyword.control");
        }
        assertScope("  if x { } else { }", "}", "else", "keyword.control");
        assertScope("  wait until x", "wait", "until", "keyword.control");
        assertScope("  for c in S { }", "c", "in", "keyword.control");
        assertScope("cpu 0 runs A: read(p)", "", "runs", "keyword.other");
        assertScope("  page p -> frame f writable", "", "page", "keyword.other");
        assertScope("  page p -> frame f writable", "->", "frame", "keyword.other");
        assertScope("  table t -> frame pt {", "", "table", "keyword.other");
        assertScope("  either { x = 1 } or { x = 2 }", "", "either", "keyword.control");
        assertScope("  either { x = 1 } or { x = 2 }", "}", "or", "keyword.control");
        assertScope("  choose c in S", "", "choose", "keyword.control");
        assertThat(Keywords.CHOICE_STATEMENTS).containsExactlyInAnyOrder("either", "choose");
        assertScope("  page q at p -> frame g writable", "q", "at", "keyword.other");
        assertScope("  page q at p -> frame g writable", "->", "frame", "keyword.other");
        assertThat(Keywords.CONTEXTUAL).containsExactlyInAnyOrder("else", "until", "in", "runs", "page", "table", "frame", "or", "at");
        for (String w : Keywords.LITERALS) {
            assertScope("  x = " + w, "=", w, "constant.language");
        }
        for (String w : Keywords.BUILTIN_NAMES) {
            assertScope("  x = " + w, "=", w, "variable.language");
        }
    }

    @Test
    @DisplayName("every knob with each of its values, and every profile")
    void knobsAndProfiles() {
        for (Knob k : Knob.values()) {
            List<String> values = switch (k.kind()) {
                case NUMBER -> List.of(Integer.toString(k.min()));
                case FLAG -> Stream.concat(Stream.of(""), Knob.FLAG_VALUES.stream()).toList();
                case CHOICE -> k.choices();
            };
            for (String v : values) {
                String text = "hardware x86 { " + k.word() + (v.isEmpty() ? "" : " " + v) + " }";
                assertScope(text, "{", k.word(), "support.type.property-name.knob");
                if (!v.isEmpty()) {
                    assertScope(text, k.word(), v, k.kind() == Knob.Kind.NUMBER ? "constant.numeric" : "constant.language.knob-value");
                }
            }
        }
        for (String p : Profiles.names()) {
            assertScope("hardware " + p + " { cpus 2 }", "hardware", p, "support.constant.profile");
        }
        assertThat(line("hardware x86 { tlb_size 2 }").has(16, "invalid.illegal")).as("an unknown knob").isTrue();
    }

    @Test
    @DisplayName("every property, verdict, type, page and table flag and PTE field")
    void namesOfTheLanguage() {
        for (Verdict v : Verdict.values()) {
            assertScope("expect " + v.word(), "expect", v.word(), "support.constant.verdict");
            if (v.property() != null && v != Verdict.ASSERTION) {
                assertScope("check " + v.property(), "check", v.property(), "support.constant.property");
            }
        }
        for (Type t : Type.values()) {
            if (Type.byWord(t.word()) != null) {
                assertScope("shared x: " + t.word(), ":", t.word(), "storage.type");
            }
        }
        for (String f : Keywords.PAGE_FLAGS) {
            assertScope("  page p -> frame f " + f, "frame f", f, "constant.language.flag");
        }
        for (String f : Keywords.TABLE_FLAGS) {
            assertScope("  table t -> frame pt " + f + " {", "frame pt", f, "constant.language.flag");
        }
        for (String f : Keywords.PTE_FIELDS) {
            assertScope("  x = old." + f, "old", f, "variable.other.property");
        }
    }

    @Test
    @DisplayName("what the lexer refuses is marked invalid: a stray character, a number running into a letter, an unknown page flag")
    void invalid() {
        assertThat(line("  x = 1 @ 2").has(8, "invalid.illegal")).isTrue();
        assertThat(line("  x = 12ab").has(6, "invalid.illegal")).isTrue();
        assertThat(line("  page p -> frame f shiny").has(22, "invalid.illegal")).isTrue();
        assertThat(line("  x = \"open").has(6, "invalid.illegal")).isTrue();
    }

    /** A model shipped with Shootdown, or a block of a doc: name and text. */
    record Model(String name, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Model> shippedModels() throws IOException {
        List<Model> out = new ArrayList<>();
        for (String dir : List.of("catalog", "protocols", "bench", "docs/examples")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".sd")).sorted().toList()) {
                    out.add(new Model(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/language.md"))) {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().equals("```sd")) {
                    int start = i + 1;
                    StringBuilder b = new StringBuilder();
                    for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                        b.append(lines.get(i)).append('\n');
                    }
                    out.add(new Model(doc + ":" + start, b.toString()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedModels")
    @DisplayName("each shipped model is highlighted without an invalid scope, every region closed, and as the lexer reads it")
    void shippedModelAgreesWithTheLexer(Model model) {
        SourceFile source = new SourceFile(model.name(), model.text());
        List<String> open = new ArrayList<>();
        List<TextMateTokenizer.Line> lines = grammar().tokenize(source.text(), open);
        assertThat(open).as("regions left open at the end").isEmpty();
        boolean[] inToken = new boolean[source.text().length()];
        List<Token> tokens = new Lexer(source).scan();
        for (int t = 0; t < tokens.size(); t++) {
            Token token = tokens.get(t);
            if (token.is(TokenKind.EOF)) {
                break;
            }
            int line = token.position().line() - 1;
            int col = token.position().offset() - (source.text().lastIndexOf('\n', token.position().offset() - 1) + 1);
            List<String> scopes = lines.get(line).scopes().get(col);
            String where = model.name() + ":" + (line + 1) + ":" + (col + 1) + " " + token.describe() + " " + scopes;
            switch (token.kind()) {
                case STRING -> assertThat(scopes).as(where).anyMatch(s -> s.startsWith("string."));
                case INT -> assertThat(scopes).as(where).anyMatch(s -> s.startsWith("constant.numeric"));
                case IDENT -> {
                    Builtin b = Builtin.byWord(token.text());
                    if (b != null && b.callable() && tokens.get(t + 1).is(TokenKind.LPAREN)) {
                        assertThat(scopes).as(where).anyMatch(s -> s.startsWith("support.function.builtin"));
                    } else if (Keywords.STATEMENTS.contains(token.text())) {
                        assertThat(scopes).as(where).anyMatch(s -> s.startsWith("keyword.control"));
                    }
                }
                default -> { }
            }
            assertThat(scopes).as(where).noneMatch(s -> s.startsWith("comment."));
            int end = t + 1 < tokens.size() ? tokenEnd(source.text(), token) : token.position().offset();
            Arrays.fill(inToken, token.position().offset(), end, true);
        }
        int offset = 0;
        for (int l = 0; l < lines.size(); l++) {
            TextMateTokenizer.Line line = lines.get(l);
            for (int c = 0; c < line.text().length(); c++) {
                List<String> scopes = line.scopes().get(c);
                String where = model.name() + ":" + (l + 1) + ":" + (c + 1) + " " + scopes;
                assertThat(scopes).as(where).noneMatch(s -> s.startsWith("invalid"));
                if (!inToken[offset + c] && !Character.isWhitespace(line.text().charAt(c))) {
                    assertThat(scopes).as("outside every token, so in a comment: " + where).anyMatch(s -> s.startsWith("comment."));
                }
            }
            offset += line.text().length() + 1;
        }
    }

    /** Where a token ends in the text: a string's closing quotes are not in its value. */
    private static int tokenEnd(String text, Token token) {
        int start = token.position().offset();
        if (token.is(TokenKind.STRING)) {
            boolean triple = text.startsWith("\"\"\"", start);
            int close = text.indexOf(triple ? "\"\"\"" : "\"", start + (triple ? 3 : 1));
            return close + (triple ? 3 : 1);
        }
        return start + token.text().length();
    }

    @Test
    @DisplayName("the VS Code extension's manifest names the grammar, its scope and the .sd extension")
    void extensionManifest() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(Path.of("editors/vscode/package.json").toFile());
        JsonNode grammar = new ObjectMapper().readTree(GRAMMAR.toFile());
        JsonNode contributed = manifest.at("/contributes/grammars/0");

        assertThat(Path.of("editors/vscode").resolve(contributed.get("path").asText()).normalize()).isEqualTo(GRAMMAR.normalize());
        assertThat(contributed.get("scopeName").asText()).isEqualTo(grammar.get("scopeName").asText());
        assertThat(manifest.at("/contributes/languages/0/extensions/0").asText()).isEqualTo(".sd");
        assertThat(Files.exists(Path.of("editors/vscode").resolve(manifest.get("main").asText()))).isTrue();
    }

    @Test
    @DisplayName("the Sublime grammar (a property list) is the VS Code grammar (JSON) converted")
    void plistIsTheJsonGrammar() throws IOException {
        String expected = PlistWriter.plist(new ObjectMapper().readTree(GRAMMAR.toFile()));
        String actual = Files.exists(PLIST) ? Files.readString(PLIST, StandardCharsets.UTF_8) : "";
        if (!actual.equals(expected)) {
            Path fresh = Path.of("target", PLIST.getFileName().toString());
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, expected, StandardCharsets.UTF_8);
            assertThat(actual).as("%s is out of date: copy %s over it", PLIST, fresh).isEqualTo(expected);
        }
    }

    /** JSON to an XML property list, as TextMate and Sublime read grammars; keys keep their order. */
    static final class PlistWriter {
        private PlistWriter() {}

        static String plist(JsonNode grammar) {
            StringBuilder b = new StringBuilder("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                    <!-- Generated from editors/vscode/syntaxes/shootdown.tmLanguage.json by TextMateGrammarTest: edit that file, not this one. -->
                    <plist version="1.0">
                    """);
            value(b, grammar, "");
            return b.append("</plist>\n").toString();
        }

        private static void value(StringBuilder b, JsonNode n, String indent) {
            if (n.isObject()) {
                b.append(indent).append("<dict>\n");
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().equals("$schema")) {
                        continue;
                    }
                    b.append(indent).append("\t<key>").append(escape(e.getKey())).append("</key>\n");
                    value(b, e.getValue(), indent + "\t");
                }
                b.append(indent).append("</dict>\n");
            } else if (n.isArray()) {
                b.append(indent).append("<array>\n");
                n.forEach(e -> value(b, e, indent + "\t"));
                b.append(indent).append("</array>\n");
            } else {
                b.append(indent).append("<string>").append(escape(n.asText())).append("</string>\n");
            }
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
