package dev.shootdown.editor;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.Keywords;
import dev.shootdown.model.Knob;
import dev.shootdown.model.Profiles;
import dev.shootdown.model.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The hover text comes from docs/language.md as packaged in the jar: every word the compiler knows has its row there. */
class ReferenceTest {
    private static final Reference REFERENCE = Reference.load();

    /** Built-ins the reference does not describe yet: their hover shows the signature alone. None since compute and idle have their rows. */
    private static final Set<String> UNDOCUMENTED = Set.of();

    @Test
    @DisplayName("every callable built-in has its row, but for the ones listed as not yet documented")
    void builtins() {
        for (Builtin b : Builtin.values()) {
            if (!b.callable()) {
                continue;
            }
            Reference.Entry e = REFERENCE.entry(Reference.Kind.BUILTIN, b.word());
            if (UNDOCUMENTED.contains(b.word())) {
                assertThat(e).as("%s is documented now: take it off UNDOCUMENTED", b.word()).isNull();
            } else {
                assertThat(e).as(b.word()).isNotNull();
                String written = e.summary().substring(e.summary().indexOf(b.word() + "("));
                String params = written.substring(b.word().length() + 1, written.indexOf(')')).strip();
                assertThat(params.isEmpty() ? 0 : params.split(",").length).as("parameters of %s in the reference", b.word()).isEqualTo(b.params().size());
            }
        }
    }

    @Test
    @DisplayName("every knob, profile, property, built-in name, PTE field and page flag has its row")
    void otherWords() {
        for (Knob k : Knob.values()) {
            assertThat(REFERENCE.entry(Reference.Kind.KNOB, k.word())).as(k.word()).isNotNull();
        }
        assertThat(REFERENCE.entries(Reference.Kind.KNOB).keySet()).containsExactlyInAnyOrderElementsOf(Knob.words());
        for (String p : Profiles.names()) {
            assertThat(REFERENCE.entry(Reference.Kind.PROFILE, p)).as(p).isNotNull();
        }
        for (Verdict v : Verdict.values()) {
            if (v.property() != null) {
                assertThat(REFERENCE.entry(Reference.Kind.PROPERTY, v.property())).as(v.property()).isNotNull();
            }
        }
        for (List<String> words : List.of(Keywords.BUILTIN_NAMES)) {
            words.forEach(w -> assertThat(REFERENCE.entry(Reference.Kind.NAME, w)).as(w).isNotNull());
        }
        Keywords.PTE_FIELDS.forEach(w -> assertThat(REFERENCE.entry(Reference.Kind.FIELD, w)).as(w).isNotNull());
        Keywords.PAGE_FLAGS.forEach(w -> assertThat(REFERENCE.entry(Reference.Kind.FLAG, w)).as(w).isNotNull());
    }

    @Test
    @DisplayName("a row becomes Markdown: the signature as code, the other columns labelled, links as their text, the section named")
    void markdownOfARow() {
        Reference r = Reference.of("""
                ## Built-ins
                ### Frames

                | signature | step | meaning |
                |---|---|---|
                | `free_frame(frame)` | yes | frees it; see [Frames](#frames) and `a \\| b` |
                """);

        Reference.Entry e = r.entry(Reference.Kind.BUILTIN, "free_frame");

        assertThat(e.markdown()).isEqualTo("```sd\nfree_frame(frame)\n```\n\nStep: yes  \n\nfrees it; see Frames and `a | b`\n\n*docs/language.md: Built-ins › Frames*");
        assertThat(Arrays.asList(Reference.Kind.values())).contains(e.kind());
    }
}
