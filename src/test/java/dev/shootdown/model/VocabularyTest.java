package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The word lists editors read ({@link Keywords}, {@link Knob}) are the words the compiler knows:
 * each listed word compiles where it belongs, and the parser matches no word that is not listed.
 */
class VocabularyTest {

    private static Program compile(String text) {
        return Compiler.compile(Parser.parse(new SourceFile("vocabulary.sd", text)));
    }

    @Test
    @DisplayName("every word the parser matches literally is one of Keywords' lists")
    void parserWordsAreListed() throws IOException {
        String parser = Files.readString(Path.of("src/main/java/dev/shootdown/lang/Parser.java"), StandardCharsets.UTF_8);
        Set<String> matched = new TreeSet<>();
        // The words of `case "a", "b" ->` labels and of isWord("a") tests.
        Matcher cases = Pattern.compile("case ((?:\"\\w+\"(?:,\\s*)?)+)\\s*->").matcher(parser);
        while (cases.find()) {
            Matcher w = Pattern.compile("\"(\\w+)\"").matcher(cases.group(1));
            while (w.find()) {
                matched.add(w.group(1));
            }
        }
        Matcher words = Pattern.compile("isWord\\(\"(\\w+)\"\\)|text\\(\\)\\.equals\\(\"(\\w+)\"\\)").matcher(parser);
        while (words.find()) {
            matched.add(words.group(1) != null ? words.group(1) : words.group(2));
        }
        List<String> listed = new ArrayList<>();
        listed.addAll(Keywords.DECLARATIONS);
        listed.addAll(Keywords.STATEMENTS);
        listed.addAll(Keywords.CHOICE_STATEMENTS);
        listed.addAll(Keywords.CONTEXTUAL);
        listed.addAll(Keywords.LITERALS);

        assertThat(matched).as("found the parser's words").contains("while", "hardware", "runs");
        assertThat(listed).containsAll(matched);
    }

    @Test
    @DisplayName("each page flag, table flag and PTE field compiles, and a word that is none is refused")
    void flagsAndFields() {
        for (String flag : Keywords.PAGE_FLAGS) {
            compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f " + flag + " }\ncpu 0 runs A: read(p)\n");
        }
        for (String flag : Keywords.TABLE_FLAGS) {
            compile("hardware x86 { cpus 1 }\nmm A { table t -> frame pt " + flag + " { page p -> frame f } }\ncpu 0 runs A: read(p)\n");
        }
        for (String field : Keywords.PTE_FIELDS) {
            compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f }\ncpu 0 runs A: { x = ptep_get(p)." + field + " }\n");
        }
        assertThatThrownBy(() -> compile("hardware x86 { cpus 1 }\nmm A { page p -> frame f shiny }\ncpu 0 runs A: read(p)\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining(Keywords.alternatives(Keywords.PAGE_FLAGS));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Knob.class)
    @DisplayName("each knob compiles with each of its values, and refuses one out of range or not listed")
    void knobs(Knob knob) {
        List<String> good = switch (knob.kind()) {
            case NUMBER -> List.of(knob.word() + " " + knob.min(), knob.word() + " " + knob.max());
            case FLAG -> Knob.FLAG_VALUES.stream().map(v -> knob.word() + " " + v).toList();
            case CHOICE -> knob.choices().stream().map(v -> knob.word() + " " + v).toList();
        };
        for (String written : good) {
            compile("hardware x86 { " + written + " }\nmm A { page p -> frame f }\ncpu 0 runs A: read(p)\n");
        }
        String bad = switch (knob.kind()) {
            case NUMBER -> knob.word() + " " + (knob.max() + 1);
            case FLAG -> knob.word() + " maybe";
            case CHOICE -> knob.word() + " nothing_like_it";
        };
        assertThatThrownBy(() -> compile("hardware x86 { " + bad + " }\nmm A { page p -> frame f }\ncpu 0 runs A: read(p)\n"))
                .isInstanceOf(CompileError.class);
    }

    @Test
    @DisplayName("an unknown knob's message lists every knob")
    void unknownKnob() {
        assertThatThrownBy(() -> compile("hardware x86 { tlb_size 2 }\nmm A { page p -> frame f }\ncpu 0 runs A: read(p)\n"))
                .isInstanceOf(CompileError.class).hasMessageContaining(Keywords.alternatives(Knob.words()));
    }
}
