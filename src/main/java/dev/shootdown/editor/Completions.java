package dev.shootdown.editor;

import dev.shootdown.lang.Builtin;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Type;
import dev.shootdown.model.Knob;
import dev.shootdown.model.Profiles;
import dev.shootdown.model.Verdict;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Completion by where the cursor is: inside a {@code hardware} declaration the knobs (and after a
 * knob that takes words, its values); after {@code hardware} the profiles, after {@code check} the
 * properties, after {@code expect} the verdicts, after a {@code .} the PTE fields, after a page's
 * frame its flags, after {@code name:} the types; elsewhere the built-ins, the keywords and the
 * names the model declares (the locals of the body around the cursor first). The editor filters
 * by what is typed.
 */
final class Completions {
    private static final Pattern HARDWARE_OPEN = Pattern.compile("(?s).*(?<![\\p{L}\\p{N}_])hardware(?![\\p{L}\\p{N}_])[^{}]*\\{[^}]*");
    private static final Pattern KNOB_VALUE = Pattern.compile("(?<![\\p{L}\\p{N}_])(\\w+)[ \\t]+\\w*$");
    private static final Pattern PROFILE = Pattern.compile("^\\s*hardware\\s+[\\w-]*$");
    private static final Pattern CHECK = Pattern.compile("^\\s*check\\s.*$");
    private static final Pattern EXPECT = Pattern.compile("^\\s*expect\\s+\\w*$");
    private static final Pattern FIELD = Pattern.compile("(?<!\\.)\\.\\s*\\w*$");
    private static final Pattern TYPE = Pattern.compile("(?<![\\p{L}\\p{N}_])(shared|percpu|proc|irq)(?![\\p{L}\\p{N}_]).*:\\s*\\w*$");
    private static final Pattern FLAGS = Pattern.compile("^\\s*(page|table)\\s+\\w+\\s*->\\s*frame\\s+\\w+(\\s+\\w+)*\\s+\\w*$");

    private final Reference reference;

    Completions(Reference reference) {
        this.reference = reference;
    }

    List<CompletionItem> complete(String text, int offset, Definitions names) {
        String before = text.substring(0, offset);
        String line = before.substring(before.lastIndexOf('\n') + 1);
        if (PROFILE.matcher(line).matches()) {
            return words(Profiles.names(), CompletionItemKind.Module, Reference.Kind.PROFILE);
        }
        if (HARDWARE_OPEN.matcher(before).matches()) {
            Matcher v = KNOB_VALUE.matcher(line);
            Knob knob = v.find() ? Knob.byWord(v.group(1)) : null;
            if (knob != null && knob.kind() == Knob.Kind.CHOICE) {
                return words(knob.choices(), CompletionItemKind.EnumMember, null);
            }
            if (knob != null && knob.kind() == Knob.Kind.FLAG) {
                return words(Knob.FLAG_VALUES, CompletionItemKind.EnumMember, null);
            }
            return words(Knob.words(), CompletionItemKind.Property, Reference.Kind.KNOB);
        }
        if (CHECK.matcher(line).matches()) {
            List<String> properties = new ArrayList<>();
            for (Verdict v : Verdict.values()) {
                if (v.property() != null && v != Verdict.ASSERTION) {
                    properties.add(v.property());
                }
            }
            return words(properties, CompletionItemKind.EnumMember, Reference.Kind.PROPERTY);
        }
        if (EXPECT.matcher(line).matches()) {
            return words(Arrays.stream(Verdict.values()).map(Verdict::word).toList(), CompletionItemKind.EnumMember, null);
        }
        if (FIELD.matcher(line).find()) {
            return words(Keywords.PTE_FIELDS, CompletionItemKind.Field, Reference.Kind.FIELD);
        }
        if (FLAGS.matcher(line).matches()) {
            boolean table = line.strip().startsWith("table");
            return words(table ? Keywords.TABLE_FLAGS : Keywords.PAGE_FLAGS, CompletionItemKind.EnumMember, Reference.Kind.FLAG);
        }
        if (TYPE.matcher(line).find()) {
            List<String> types = Arrays.stream(Type.values()).map(Type::word).filter(w -> Type.byWord(w) != null).toList();
            return words(types, CompletionItemKind.TypeParameter, Reference.Kind.TYPE);
        }
        return everything(offset, names);
    }

    /** Names in scope, then the built-ins, then the keywords; one item per word. */
    private List<CompletionItem> everything(int offset, Definitions names) {
        Map<String, CompletionItem> items = new LinkedHashMap<>();
        if (names != null) {
            add(items, names.locals(offset), "0");
            add(items, names.globals(), "1");
        }
        for (Builtin b : Builtin.values()) {
            if (b.callable()) {
                CompletionItem item = item(b.word(), b.kind() == Builtin.Kind.OP ? CompletionItemKind.Method : CompletionItemKind.Function, Reference.Kind.BUILTIN);
                item.setDetail(b.signature());
                item.setSortText("2" + b.word());
                items.putIfAbsent(b.word(), item);
            }
        }
        for (String w : Keywords.BUILTIN_NAMES) {
            items.putIfAbsent(w, sorted(item(w, CompletionItemKind.Constant, Reference.Kind.NAME), "2"));
        }
        for (List<String> words : List.of(Keywords.STATEMENTS, Keywords.CHOICE_STATEMENTS, Keywords.LITERALS, Keywords.DECLARATIONS, List.of("else", "until", "in", "runs", "or"))) {
            for (String w : words) {
                items.putIfAbsent(w, sorted(item(w, CompletionItemKind.Keyword, null), "3"));
            }
        }
        return new ArrayList<>(items.values());
    }

    private static void add(Map<String, CompletionItem> items, Collection<Definitions.Binding> bindings, String rank) {
        for (Definitions.Binding b : bindings) {
            CompletionItem item = new CompletionItem(b.name());
            item.setKind(switch (b.kind()) {
                case "procedure", "IRQ handler" -> CompletionItemKind.Function;
                case "page", "frame", "table", "address space" -> CompletionItemKind.Reference;
                default -> CompletionItemKind.Variable;
            });
            item.setDetail(b.kind() + ": " + b.line());
            items.putIfAbsent(b.name(), sorted(item, rank));
        }
    }

    private List<CompletionItem> words(List<String> words, CompletionItemKind kind, Reference.Kind documented) {
        return words.stream().map(w -> item(w, kind, documented)).toList();
    }

    private CompletionItem item(String word, CompletionItemKind kind, Reference.Kind documented) {
        CompletionItem item = new CompletionItem(word);
        item.setKind(kind);
        Reference.Entry e = documented == null ? null : reference.entry(documented, word);
        if (e != null) {
            item.setDetail(e.summary());
            item.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, e.markdown()));
        }
        return item;
    }

    private static CompletionItem sorted(CompletionItem item, String rank) {
        item.setSortText(rank + item.getLabel());
        return item;
    }
}
