package dev.shootdown.editor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The language reference (docs/language.md, packaged in the jar as {@code reference/language.md})
 * read as the editor's documentation: each row of its tables of built-ins, knobs, built-in names,
 * properties, PTE fields, page flags, profiles and types is the hover text of the word it
 * documents. The reference stays the one text; nothing here repeats it.
 */
public final class Reference {
    /** What a table documents, told by the first cell of its header. */
    public enum Kind { BUILTIN, KNOB, NAME, PROPERTY, FIELD, FLAG, PROFILE, TYPE, METADATA }

    private static final Map<String, Kind> TABLES = Map.of("signature", Kind.BUILTIN, "knob", Kind.KNOB, "name", Kind.NAME,
            "property", Kind.PROPERTY, "field", Kind.FIELD, "flag", Kind.FLAG, "profile", Kind.PROFILE, "type", Kind.TYPE,
            "declaration", Kind.METADATA);

    /**
     * One row: the word it documents, the section it is in, and its text as Markdown.
     *
     * @param summary the row's first cell without its backticks (a signature, "cpus N", ".pfn")
     */
    public record Entry(Kind kind, String word, String section, String summary, String markdown) {}

    private static final String RESOURCE = "/reference/language.md";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern CALL = Pattern.compile("^([a-z_][a-z0-9_]*)\\(");
    private static final Pattern WORD = Pattern.compile("^\\.?([a-z_][a-z0-9_-]*)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\([^)]*\\)");

    private final Map<Kind, Map<String, Entry>> entries = new HashMap<>();

    private Reference(String markdown) {
        read(markdown);
    }

    /** The reference packaged with Shootdown. */
    public static Reference load() {
        try (InputStream in = Reference.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the language reference " + RESOURCE + " is not on the class path");
            }
            return new Reference(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reference read from Markdown text (for tests). */
    static Reference of(String markdown) {
        return new Reference(markdown);
    }

    /** The entry of {@code word} among the rows of that kind, or null. */
    public Entry entry(Kind kind, String word) {
        return entries.getOrDefault(kind, Map.of()).get(word);
    }

    /** Every entry of a kind, by word. */
    public Map<String, Entry> entries(Kind kind) {
        return entries.getOrDefault(kind, Map.of());
    }

    private void read(String markdown) {
        String section = "";
        String subsection = "";
        List<String> header = null;
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
                subsection = "";
            } else if (line.startsWith("### ")) {
                subsection = line.substring(4).strip();
            }
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells;
            } else if (!cells.get(0).startsWith("---")) {
                row(header, cells, subsection.isEmpty() ? section : section + " › " + subsection);
            }
        }
    }

    private void row(List<String> header, List<String> cells, String section) {
        Kind kind = TABLES.get(header.get(0).toLowerCase());
        if (kind == null || cells.size() != header.size()) {
            return;
        }
        List<String> words = new ArrayList<>();
        Matcher code = CODE.matcher(cells.get(0));
        while (code.find()) {
            Matcher w = (kind == Kind.BUILTIN ? CALL : WORD).matcher(code.group(1));
            if (w.find()) {
                words.add(w.group(1));
            }
        }
        if (words.isEmpty() && kind == Kind.PROPERTY) {
            words.add(cells.get(0).strip());
        }
        String summary = cells.get(0).replace("`", "");
        StringBuilder md = new StringBuilder();
        if (kind == Kind.BUILTIN) {
            md.append("```sd\n").append(summary).append("\n```\n\n");
        } else {
            md.append("**").append(cells.get(0)).append("**\n\n");
        }
        String meaning = "";
        for (int i = 1; i < header.size(); i++) {
            String h = header.get(i);
            if (h.equals("meaning") || h.equals("value") && kind == Kind.NAME || h.equals("violated when") || h.equals("models")) {
                meaning = plain(cells.get(i));
            } else {
                md.append(capitalised(h)).append(": ").append(plain(cells.get(i))).append("  \n");
            }
        }
        if (!meaning.isEmpty()) {
            md.append("\n").append(meaning).append("\n");
        }
        md.append("\n*docs/language.md: ").append(section).append("*");
        for (String w : words) {
            entries.computeIfAbsent(kind, k -> new HashMap<>()).putIfAbsent(w, new Entry(kind, w, section, summary, md.toString()));
        }
    }

    /** The cells of a table row; {@code \|} is a bar inside a cell. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        String s = line.strip();
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                out.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        return out;
    }

    /** A cell as hover text: links to the reference's sections become their text (a hover has no page to go to). */
    private static String plain(String cell) {
        return LINK.matcher(cell).replaceAll("$1");
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
