package dev.shootdown.editor;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.TextDocumentService;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open models: each change is analysed at once (the whole text, as the editor sends it) and
 * its diagnostics published; hover, definition and completion read the latest analysis. While a
 * text does not parse, names come from its last version that did, so completion and go to
 * definition keep working as one types.
 */
final class ModelDocuments implements TextDocumentService {
    private final Map<String, Analysis> open = new ConcurrentHashMap<>();
    private final Map<String, Definitions> lastParsed = new ConcurrentHashMap<>();
    private final Hovers hovers;
    private final Completions completions;
    private volatile LanguageClient client;

    ModelDocuments(Reference reference) {
        this.hovers = new Hovers(reference);
        this.completions = new Completions(reference);
    }

    void connect(LanguageClient client) {
        this.client = client;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        update(params.getTextDocument().getUri(), params.getTextDocument().getText(), params.getTextDocument().getVersion());
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        var changes = params.getContentChanges();
        if (!changes.isEmpty()) {
            // Full synchronisation: each change carries the whole text, the last one the latest.
            update(params.getTextDocument().getUri(), changes.get(changes.size() - 1).getText(), params.getTextDocument().getVersion());
        }
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        open.remove(uri);
        lastParsed.remove(uri);
        publish(new PublishDiagnosticsParams(uri, List.of()));
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        // The text was analysed when it changed.
    }

    private void update(String uri, String text, Integer version) {
        Analysis a = Analysis.of(name(uri), text);
        open.put(uri, a);
        if (a.definitions() != null) {
            lastParsed.put(uri, a.definitions());
        }
        publish(new PublishDiagnosticsParams(uri, a.diagnostics(), version));
    }

    private void publish(PublishDiagnosticsParams params) {
        LanguageClient c = client;
        if (c != null) {
            c.publishDiagnostics(params);
        }
    }

    /** The file's name, as the compiler's messages name it. */
    private static String name(String uri) {
        try {
            String path = URI.create(uri).getPath();
            if (path != null && !path.isEmpty()) {
                return path.substring(path.lastIndexOf('/') + 1);
            }
        } catch (IllegalArgumentException e) {
            // Not a URI we can read: its text names it well enough.
        }
        return uri;
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        String uri = params.getTextDocument().getUri();
        Analysis a = open.get(uri);
        if (a == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(hovers.hover(a, names(uri, a), a.positions().offset(params.getPosition())));
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
        String uri = params.getTextDocument().getUri();
        Analysis a = open.get(uri);
        Definitions names = a == null ? null : names(uri, a);
        if (names == null) {
            return CompletableFuture.completedFuture(Either.forLeft(List.of()));
        }
        String text = a.source().text();
        Word w = Word.at(text, a.positions().offset(params.getPosition()));
        Definitions.Binding b = w == null || w.afterDot(text) ? null : names.lookup(w.text(), w.from());
        if (b == null) {
            return CompletableFuture.completedFuture(Either.forLeft(List.of()));
        }
        Location at = new Location(uri, a.positions().range(b.offset(), b.offset() + b.name().length()));
        return CompletableFuture.completedFuture(Either.forLeft(List.of(at)));
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        String uri = params.getTextDocument().getUri();
        Analysis a = open.get(uri);
        if (a == null) {
            return CompletableFuture.completedFuture(Either.forLeft(List.of()));
        }
        int offset = a.positions().offset(params.getPosition());
        return CompletableFuture.completedFuture(Either.forLeft(completions.complete(a.source().text(), offset, names(uri, a))));
    }

    private Definitions names(String uri, Analysis a) {
        return a.definitions() != null ? a.definitions() : lastParsed.get(uri);
    }
}
