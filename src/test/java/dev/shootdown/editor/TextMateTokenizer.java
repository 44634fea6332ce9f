package dev.shootdown.editor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enough of a TextMate engine to test our grammar with: rules that {@code match}, {@code begin}/{@code end}
 * regions, {@code captures}, {@code patterns} and {@code include} of the repository. As editors do, it
 * scans a line at a time, takes the rule whose match starts first (the region's end before its
 * patterns at the same place, then the rules in order) and carries open regions to the next line.
 * The grammar keeps to regular expressions that Oniguruma and java.util.regex read alike.
 */
final class TextMateTokenizer {

    /** One rule of the grammar. */
    private static final class Rule {
        String name;
        Pattern match;
        Pattern begin;
        Pattern end;
        Map<Integer, String> captures = Map.of();
        Map<Integer, String> beginCaptures = Map.of();
        Map<Integer, String> endCaptures = Map.of();
        List<Rule> patterns = List.of();
        String include;
    }

    /** The scopes of one line: {@code scopes.get(i)} holds those of character i, outermost first. */
    record Line(String text, List<List<String>> scopes) {
        boolean has(int i, String scopePrefix) {
            return scopes.get(i).stream().anyMatch(s -> s.startsWith(scopePrefix));
        }
    }

    private final Map<String, Rule> repository = new HashMap<>();
    private final Rule root;

    private TextMateTokenizer(JsonNode grammar) {
        grammar.get("repository").fields().forEachRemaining(e -> repository.put(e.getKey(), rule(e.getValue())));
        root = rule(grammar);
    }

    static TextMateTokenizer load(Path json) throws IOException {
        return new TextMateTokenizer(new ObjectMapper().readTree(json.toFile()));
    }

    private static Rule rule(JsonNode n) {
        Rule r = new Rule();
        r.name = n.has("name") ? n.get("name").asText() : null;
        r.match = n.has("match") ? Pattern.compile(n.get("match").asText()) : null;
        r.begin = n.has("begin") ? Pattern.compile(n.get("begin").asText()) : null;
        r.end = n.has("end") ? Pattern.compile(n.get("end").asText()) : null;
        r.captures = captures(n.get("captures"));
        r.beginCaptures = captures(n.get("beginCaptures"));
        r.endCaptures = captures(n.get("endCaptures"));
        r.include = n.has("include") ? n.get("include").asText() : null;
        if (n.has("patterns")) {
            List<Rule> ps = new ArrayList<>();
            n.get("patterns").forEach(p -> ps.add(rule(p)));
            r.patterns = ps;
        }
        return r;
    }

    private static Map<Integer, String> captures(JsonNode n) {
        Map<Integer, String> m = new HashMap<>();
        if (n != null) {
            n.fields().forEachRemaining(e -> m.put(Integer.parseInt(e.getKey()), e.getValue().get("name").asText()));
        }
        return m;
    }

    /** The rules a context tries, includes replaced by what they name. */
    private List<Rule> flatten(List<Rule> rules) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.include != null) {
                Rule target = r.include.equals("$self") ? root : repository.get(r.include.substring(1));
                if (target == null) {
                    throw new IllegalStateException("include of a missing rule: " + r.include);
                }
                out.addAll(target.match != null || target.begin != null ? List.of(target) : flatten(target.patterns));
            } else if (r.match == null && r.begin == null) {
                out.addAll(flatten(r.patterns));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** The scopes of every line of {@code text}; {@code openAtEnd} receives the regions still open after the last line. */
    List<Line> tokenize(String text, List<String> openAtEnd) {
        Deque<Rule> stack = new ArrayDeque<>();
        List<Line> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line(line, stack));
        }
        for (Iterator<Rule> it = stack.descendingIterator(); it.hasNext(); ) {
            Rule r = it.next();
            openAtEnd.add(r.name == null ? String.valueOf(r.begin) : r.name);
        }
        return lines;
    }

    private Line line(String line, Deque<Rule> stack) {
        String text = line + "\n";
        List<List<String>> scopes = new ArrayList<>();
        for (int i = 0; i < line.length(); i++) {
            scopes.add(new ArrayList<>());
        }
        int pos = 0;
        for (int guard = 0; pos <= line.length(); guard++) {
            if (guard > 10 * (line.length() + 10)) {
                throw new IllegalStateException("the grammar does not advance on: " + line);
            }
            Rule region = stack.peek();
            Matcher best = null;
            Rule bestRule = null;
            boolean bestIsEnd = false;
            if (region != null) {
                Matcher m = matcher(region.end, text, pos);
                if (m != null) {
                    best = m;
                    bestRule = region;
                    bestIsEnd = true;
                }
            }
            for (Rule r : flatten(region == null ? root.patterns : region.patterns)) {
                Matcher m = matcher(r.match != null ? r.match : r.begin, text, pos);
                if (m != null && (best == null || m.start() < best.start())) {
                    best = m;
                    bestRule = r;
                    bestIsEnd = false;
                }
            }
            if (best == null || best.start() >= line.length() && !bestIsEnd && bestRule.begin == null) {
                fill(scopes, pos, line.length(), stack, null);
                break;
            }
            fill(scopes, pos, best.start(), stack, null);
            if (bestIsEnd) {
                fill(scopes, best.start(), best.end(), stack, null);
                captures(scopes, best, bestRule.endCaptures);
                stack.pop();
            } else if (bestRule.begin != null) {
                stack.push(bestRule);
                fill(scopes, best.start(), best.end(), stack, null);
                captures(scopes, best, bestRule.beginCaptures);
            } else {
                fill(scopes, best.start(), best.end(), stack, bestRule.name);
                captures(scopes, best, bestRule.captures);
            }
            if (best.end() == pos && !bestIsEnd) {
                // An empty match that opens nothing: step over one character so the scan moves on.
                fill(scopes, pos, Math.min(pos + 1, line.length()), stack, null);
                pos++;
            } else {
                pos = best.end();
            }
        }
        return new Line(line, scopes);
    }

    private static Matcher matcher(Pattern p, String text, int from) {
        Matcher m = p.matcher(text);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(from, text.length());
        return m.find() ? m : null;
    }

    /** Characters [from, to) of the line get the open regions' scopes and then {@code name}. */
    private static void fill(List<List<String>> scopes, int from, int to, Deque<Rule> stack, String name) {
        for (int i = from; i < Math.min(to, scopes.size()); i++) {
            List<String> s = scopes.get(i);
            if (s.isEmpty()) {
                for (Iterator<Rule> it = stack.descendingIterator(); it.hasNext(); ) {
                    Rule r = it.next();
                    if (r.name != null) {
                        s.add(r.name);
                    }
                }
            }
            if (name != null) {
                s.add(name);
            }
        }
    }

    private static void captures(List<List<String>> scopes, Matcher m, Map<Integer, String> names) {
        for (Map.Entry<Integer, String> c : names.entrySet()) {
            if (c.getKey() <= m.groupCount() && m.start(c.getKey()) >= 0) {
                for (int i = m.start(c.getKey()); i < Math.min(m.end(c.getKey()), scopes.size()); i++) {
                    scopes.get(i).add(c.getValue());
                }
            }
        }
    }
}
