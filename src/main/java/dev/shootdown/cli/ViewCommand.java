package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Serve a trace (from simulate --trace) on http://127.0.0.1:9001 for the Perfetto UI and print the link that opens it.",
                "Only 127.0.0.1 is bound; the response carries the CORS header ui.perfetto.dev needs. Runs until Ctrl-C.",
                "ui.perfetto.dev only fetches from 127.0.0.1:9001 (the port of its trace processor), so change --port only for other viewers.",
                "Exit codes: 0 done, 2 bad input (no such file, port in use)."})
final class ViewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file (.json or .json.gz).")
    Path trace;

    @Option(names = "--port", paramLabel = "N", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 9001;

    @Option(names = "--once", description = "Stop after the file has been downloaded once.")
    boolean once;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(trace)) {
            throw new UserError(trace + ": no such file");
        }
        TraceServer server;
        try {
            server = new TraceServer(trace, port);
        } catch (BindException e) {
            throw new UserError("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); is another viewer or trace_processor --httpd running?");
        } catch (IOException e) {
            throw new UserError("cannot serve " + trace + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Serving " + trace + " at " + server.url() + (once ? " until it is downloaded once" : " (Ctrl-C to stop)"));
        out.println("Open in Perfetto: " + server.perfettoLink());
        out.flush();
        Thread stop = new Thread(server::close, "trace-server-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            if (once) {
                server.awaitDownload();
            } else {
                new java.util.concurrent.CountDownLatch(1).await();
            }
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // Already shutting down (Ctrl-C): the hook closes the server.
            }
        }
        return Main.OK;
    }
}
