package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "man", mixinStandardHelpOptions = true,
        description = {"Print a manual page (roff, for man -l -), or write the pages of every command into a directory.",
                "shootdown man check | man -l - reads one; shootdown man --install puts them all where man finds them.",
                "Exit codes: 0 done, 2 an unknown command or a directory that cannot be written."})
final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "The command whose page to print (bench check: two words); the page of shootdown itself without one.")
    List<String> command = List.of();

    @Option(names = "--install", description = "Write every page into $XDG_DATA_HOME/man/man1 (~/.local/share/man/man1), which man searches when ~/.local/bin is on the PATH.")
    boolean install;

    @Option(names = "--dir", paramLabel = "DIR", description = "Write every page into DIR (created if needed) instead of printing one.")
    Path dir;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        String version = Version.oneLine();
        if (!install && dir == null) {
            CommandSpec page = root;
            for (String word : command) {
                CommandLine sub = page.subcommands().get(word);
                if (sub == null) {
                    throw new UserError("no command '" + String.join(" ", command) + "': expected one of " + String.join(", ", page.subcommands().keySet()));
                }
                page = sub.getCommandSpec();
            }
            System.out.print(ManPage.page(page, version));
            System.out.flush();
            return Main.OK;
        }
        Path target = dir != null ? dir : Install.dataHome().resolve("man").resolve("man1");
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UserError(OutputFile.cannotWrite(target, e));
        }
        List<CommandSpec> pages = ManPage.commands(root);
        for (CommandSpec c : pages) {
            if (!OutputFile.write(target.resolve(ManPage.fileName(c)), ManPage.page(c, version))) {
                return Main.BAD_INPUT;
            }
        }
        System.out.println("shootdown: wrote " + pages.size() + " manual pages to " + target + " (man shootdown, man shootdown-check, ...)");
        return Main.OK;
    }
}
