package dev.shootdown.editor;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.Keywords;
import dev.shootdown.model.Knob;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;

/**
 * Hover text: for a built-in, a knob, a built-in name, a property, a profile, a PTE field, a page
 * flag or a type, its row of the reference; for a name the model declares, the line that declares it.
 */
final class Hovers {
    private final Reference reference;

    Hovers(Reference reference) {
        this.reference = reference;
    }

    /** The hover at {@code offset}, or null where there is nothing to say. */
    Hover hover(Analysis a, Definitions names, int offset) {
        String text = a.source().text();
        Word w = Word.at(text, offset);
        if (w == null) {
            return null;
        }
        String markdown = markdown(w, text, names);
        return markdown == null ? null : new Hover(new MarkupContent(MarkupKind.MARKDOWN, markdown), a.positions().range(w.from(), w.to()));
    }

    private String markdown(Word w, String text, Definitions names) {
        String word = w.text();
        if (w.afterDot(text)) {
            return documented(Reference.Kind.FIELD, word);
        }
        Builtin b = Builtin.byWord(word);
        if (b != null && b.callable()) {
            Reference.Entry e = reference.entry(Reference.Kind.BUILTIN, word);
            return e != null ? e.markdown() : "```sd\n" + b.signature() + "\n```\n\n*Not described in docs/language.md yet.*";
        }
        if (Knob.byWord(word) != null) {
            return documented(Reference.Kind.KNOB, word);
        }
        for (Reference.Kind kind : new Reference.Kind[] {Reference.Kind.NAME, Reference.Kind.PROPERTY, Reference.Kind.PROFILE}) {
            String md = documented(kind, word);
            if (md != null) {
                return md;
            }
        }
        Definitions.Binding binding = names == null ? null : names.lookup(word, w.from());
        if (binding != null) {
            return "```sd\n" + binding.line() + "\n```\n\n" + capitalised(binding.kind()) + " `" + word + "`";
        }
        if (Keywords.PAGE_FLAGS.contains(word) || Keywords.TABLE_FLAGS.contains(word)) {
            return documented(Reference.Kind.FLAG, word);
        }
        return documented(Reference.Kind.TYPE, word);
    }

    private String documented(Reference.Kind kind, String word) {
        Reference.Entry e = reference.entry(kind, word);
        return e == null ? null : e.markdown();
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
