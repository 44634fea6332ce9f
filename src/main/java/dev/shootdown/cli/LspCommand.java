package dev.shootdown.cli;

import dev.shootdown.editor.ModelServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;

@Command(name = "lsp", mixinStandardHelpOptions = true,
        description = {"Run the language server for .sd models on standard input and output (LSP 3.17): the compiler's errors as diagnostics,",
                "hover text from the language reference, go to definition, completion. Editors start it; see docs/editors.md.",
                "Exit codes: 0 after the client's shutdown and exit, 1 when the client leaves without shutdown."})
final class LspCommand implements Callable<Integer> {
    @Option(names = "--stdio", description = "Accepted for clients that pass it: standard input and output are the only transport.")
    boolean stdio;

    @Override
    public Integer call() {
        FileOutputStream protocol = new FileOutputStream(FileDescriptor.out);
        // Standard output carries the protocol alone: anything else printed goes to standard error.
        System.setOut(System.err);
        return ModelServer.serve(new FileInputStream(FileDescriptor.in), protocol, Version.oneLine());
    }
}
