package dev.shootdown.editor;

import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The language server of {@code shootdown lsp} (LSP 3.17, JSON-RPC over a pair of streams): diagnostics
 * from the real compiler, hover text from the reference, go to definition, completion.
 */
public final class ModelServer implements LanguageServer, LanguageClientAware {
    private final String version;
    private final ModelDocuments documents = new ModelDocuments(Reference.load());
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile boolean shutdown;

    private ModelServer(String version) {
        this.version = version;
    }

    /**
     * Serves one client on {@code in} and {@code out} until it sends {@code exit} or closes its end.
     * Returns the exit code the protocol asks for: 0 after a {@code shutdown} request, 1 without one.
     */
    public static int serve(InputStream in, OutputStream out, String version) {
        ModelServer server = new ModelServer(version);
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        Thread closed = new Thread(() -> {
            try {
                listening.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // The stream broke: the client is gone, as when it closes its end.
            }
            server.exited.complete(server.shutdown ? 0 : 1);
        }, "lsp-input");
        closed.setDaemon(true);
        closed.start();
        return server.exited.join();
    }

    @Override
    public void connect(LanguageClient client) {
        documents.connect(client);
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities c = new ServerCapabilities();
        c.setTextDocumentSync(TextDocumentSyncKind.Full);
        c.setHoverProvider(true);
        c.setDefinitionProvider(true);
        c.setCompletionProvider(new CompletionOptions(false, List.of(".")));
        return CompletableFuture.completedFuture(new InitializeResult(c, new ServerInfo("shootdown", version)));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        exited.complete(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documents;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return new WorkspaceService() {
            @Override
            public void didChangeConfiguration(DidChangeConfigurationParams params) {
                // No settings.
            }

            @Override
            public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
                // Each model is one file: nothing else to watch.
            }
        };
    }
}
