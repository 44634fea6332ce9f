package dev.shootdown.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A command's manual page in roff (man(7)), from the same picocli model its --help is printed
 * from: the name and first line of its description, picocli's synopsis, the description, the
 * arguments and options with their descriptions, the subcommands. picocli-codegen's generator
 * writes AsciiDoc, which needs Asciidoctor to become a page {@code man} reads; this writes the page.
 */
final class ManPage {
    private ManPage() {}

    /** The page's file name: {@code shootdown.1}, {@code shootdown-check.1}, {@code shootdown-bench-check.1}. */
    static String fileName(CommandSpec spec) {
        return spec.qualifiedName("-") + ".1";
    }

    /** Every command that has a page: the root and each subcommand, nested ones included (not picocli's help). */
    static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> out = new ArrayList<>();
        out.add(root);
        for (CommandLine sub : root.subcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && !out.contains(sub.getCommandSpec())) {
                out.addAll(commands(sub.getCommandSpec()));
            }
        }
        return out.stream().distinct().toList();
    }

    static String page(CommandSpec spec, String version) {
        StringBuilder b = new StringBuilder();
        String name = spec.qualifiedName("-");
        String[] description = spec.usageMessage().description();
        b.append(".TH ").append(escape(name.toUpperCase())).append(" 1 \"\" \"").append(escape(version)).append("\" \"Shootdown Manual\"\n");
        b.append(".SH NAME\n").append(dashes(name)).append(" \\- ").append(escape(firstSentence(description))).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n");
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        b.append(escape(help.synopsis(0).strip().replaceFirst("^Usage: ", ""))).append("\n.fi\n");
        if (description.length > 0) {
            // picocli's description lines are the lines of --help; roff fills them into one paragraph.
            b.append(".SH DESCRIPTION\n.PP\n");
            for (String line : description) {
                b.append(escape(formatted(line))).append('\n');
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                b.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n").append(escape(formatted(String.join(" ", p.description())))).append('\n');
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                b.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + dashes(n) + "\\fR");
                }
                b.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    b.append("=\\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(escape(description(o))).append('\n');
            }
        }
        Map<String, CommandLine> subs = spec.subcommands();
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                b.append(".TP\n\\fB").append(dashes(e.getKey())).append("\\fR\n").append(escape(firstSentence(sub.usageMessage().description())));
                if (!(e.getValue().getCommand() instanceof CommandLine.HelpCommand)) {
                    b.append(" See \\fB").append(dashes(sub.qualifiedName("-"))).append("\\fR(1).");
                }
                b.append('\n');
            }
        }
        b.append(".SH SEE ALSO\n");
        List<String> related = new ArrayList<>();
        if (spec.parent() != null) {
            related.add("\\fB" + dashes(spec.parent().qualifiedName("-")) + "\\fR(1)");
        }
        b.append(String.join(", ", related)).append(related.isEmpty() ? "" : "; ")
                .append("the language reference, docs/language.md, and the README in Shootdown's repository.\n");
        return b.toString();
    }

    /** The first sentence of a description, which may run over several of its lines. */
    static String firstSentence(String[] description) {
        String text = formatted(String.join(" ", description)).strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /** A description line as picocli prints it: its format specifiers ({@code %n}, {@code %%}) applied. */
    private static String formatted(String line) {
        return line.replace("%n", " ").replace("%%", "%").strip();
    }

    /** An option's description as its --help shows it, the default value filled in. */
    private static String description(OptionSpec o) {
        String d = formatted(String.join(" ", o.description()));
        String dflt = o.defaultValueString();
        return d.replace("${DEFAULT-VALUE}", dflt == null ? "" : dflt);
    }

    /** Text made safe for roff: backslashes kept, and no line that roff would read as a request. */
    static String escape(String s) {
        String t = s.replace("\\", "\\e");
        StringBuilder b = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return b.toString();
    }

    /** A command or option name, its hyphens as roff's minus so that they copy and search as typed. */
    private static String dashes(String s) {
        return escape(s).replace("-", "\\-");
    }
}
