package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the bash and zsh completion script of shootdown (picocli's), or install it.",
                "source <(shootdown completion) completes in this shell; shootdown completion --install in every new bash.",
                "Exit codes: 0 done, 2 a directory that cannot be written."})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--install", description = "Write the script to $XDG_DATA_HOME/bash-completion/completions/shootdown (~/.local/share/...), where bash-completion loads it.")
    boolean install;

    @Option(names = "--dir", paramLabel = "DIR", description = "Write the script to DIR/shootdown (DIR created if needed) instead of printing it.")
    Path dir;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("shootdown", spec.root().commandLine());
        if (!install && dir == null) {
            System.out.print(script);
            System.out.flush();
            return Main.OK;
        }
        Path target = dir != null ? dir : Install.dataHome().resolve("bash-completion").resolve("completions");
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UserError(OutputFile.cannotWrite(target, e));
        }
        Path file = target.resolve("shootdown");
        if (!OutputFile.write(file, script)) {
            return Main.BAD_INPUT;
        }
        System.out.println("shootdown: wrote " + file + "; new bash shells complete shootdown's commands and options"
                + " (zsh: autoload -U +X bashcompinit && bashcompinit && source " + file + ")");
        return Main.OK;
    }
}
