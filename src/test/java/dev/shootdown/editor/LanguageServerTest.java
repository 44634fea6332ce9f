package dev.shootdown.editor;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real LSP conversation with {@link ModelServer}: an LSP4J client on the other end of a pair of
 * pipes sends initialize, initialized and didOpen, and reads the server's publishDiagnostics, hovers,
 * definitions and completions as JSON-RPC messages.
 */
class LanguageServerTest {
    private static final String URI = "file:///work/models/shoot.sd";

    /** Written as a user would, with a typo on line 11 (0-based 10). */
    private static final String MODEL = """
            hardware x86 { cpus 2; memory tso }
            mm A { page p -> frame f writable }
            shared gen = 0
            irq flush_one(from) {
              flush_tlb_page(p)
              ack(from)
            }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              send_ipi(cpumask(A) - self, flush_one)
              flush_tlb_pag(va)
              gen = gen + 1
              wait until acked(cpumask(A) - self)
              free_frame(old.pfn)
            }
            cpu 0 runs A: munmap(p)
            cpu 1 runs A: loop { read(p) }
            """;

    /** The client's side: what the server sent it. */
    static final class RecordingClient implements LanguageClient {
        final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams params) {
            diagnostics.add(params);
        }

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void showMessage(MessageParams params) {
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams params) {
        }
    }

    private final RecordingClient client = new RecordingClient();
    private LanguageServer server;
    private CompletableFuture<Integer> exitCode;
    private PipedOutputStream toServer;
    private PipedOutputStream toClient;

    @BeforeEach
    void start() throws Exception {
        PipedInputStream serverIn = new PipedInputStream(1 << 16);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        toClient = new PipedOutputStream(clientIn);
        exitCode = CompletableFuture.supplyAsync(() -> ModelServer.serve(serverIn, toClient, "test"));
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, clientIn, toServer);
        launcher.startListening();
        server = launcher.getRemoteProxy();

        InitializeResult init = server.initialize(new InitializeParams()).get(30, TimeUnit.SECONDS);
        assertThat(init.getCapabilities().getHoverProvider().getLeft()).isTrue();
        assertThat(init.getServerInfo().getName()).isEqualTo("shootdown");
        server.initialized(new InitializedParams());
    }

    @AfterEach
    void stop() throws IOException {
        toServer.close();
        toClient.close();
    }

    private PublishDiagnosticsParams open(String text) throws InterruptedException {
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI, "shootdown", 1, text)));
        PublishDiagnosticsParams d = client.diagnostics.poll(30, TimeUnit.SECONDS);
        assertThat(d).as("publishDiagnostics after didOpen").isNotNull();
        assertThat(d.getUri()).isEqualTo(URI);
        return d;
    }

    private static Range range(int line, int from, int to) {
        return new Range(new Position(line, from), new Position(line, to));
    }

    @Test
    @DisplayName("didOpen of a model with a typo: one diagnostic on the misspelt name, the compiler's message")
    void diagnosticOfTheCompiler() throws Exception {
        PublishDiagnosticsParams d = open(MODEL);

        assertThat(d.getDiagnostics()).hasSize(1);
        assertThat(d.getDiagnostics().get(0).getRange()).isEqualTo(range(10, 2, 15));
        assertThat(d.getDiagnostics().get(0).getMessage()).isEqualTo("unknown procedure or operation 'flush_tlb_pag': did you mean 'flush_tlb_page'?");
        assertThat(d.getDiagnostics().get(0).getSource()).isEqualTo("shootdown");
    }

    @Test
    @DisplayName("a fixed text clears the diagnostics; a lexer error after a character outside the BMP is placed in UTF-16 units")
    void diagnosticsFollowTheText() throws Exception {
        open(MODEL);
        change(MODEL.replace("flush_tlb_pag(", "flush_tlb_page("), 2);
        assertThat(client.diagnostics.poll(30, TimeUnit.SECONDS).getDiagnostics()).isEmpty();

        // 𝑥 is one column for the compiler (2:23) and two UTF-16 units for the editor.
        change("hardware x86 { cpus 2 }\ncpu 0 runs A: { 𝑥 = 1 @ 2 }\n", 3);
        PublishDiagnosticsParams d = client.diagnostics.poll(30, TimeUnit.SECONDS);
        assertThat(d.getDiagnostics()).hasSize(1);
        assertThat(d.getDiagnostics().get(0).getMessage()).isEqualTo("unexpected character '@'");
        assertThat(d.getDiagnostics().get(0).getRange()).isEqualTo(range(1, 23, 24));

        change("hardware x86 { cpus 2 }\r\nmm A { page p -> frame f }\r\ncpu 0 runs A: read(q)\r\n", 4);
        d = client.diagnostics.poll(30, TimeUnit.SECONDS);
        assertThat(d.getDiagnostics().get(0).getRange()).as("CRLF line ends").isEqualTo(range(2, 19, 20));
    }

    private void change(String text, int version) {
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, version),
                List.of(new TextDocumentContentChangeEvent(text))));
    }

    /** The position of the {@code nth} occurrence (from 0) of {@code word} in MODEL, one character into it. */
    private static Position at(String word, int nth) {
        int offset = -1;
        for (int i = 0; i <= nth; i++) {
            offset = MODEL.indexOf(word, offset + 1);
        }
        int line = (int) MODEL.substring(0, offset).chars().filter(c -> c == '\n').count();
        return new Position(line, offset - (MODEL.lastIndexOf('\n', offset - 1) + 1) + 1);
    }

    private Hover hover(Position p) throws Exception {
        return server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(URI), p)).get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("hover: a built-in and a knob show their rows of docs/language.md; a declared name shows its declaration")
    void hoverText() throws Exception {
        open(MODEL);

        Hover builtin = hover(at("flush_tlb_page", 0));
        assertThat(builtin.getContents().getRight().getValue())
                .contains("flush_tlb_page(page)", "drops the calling CPU's TLB entry for the page", "TLB maintenance");
        assertThat(builtin.getRange()).isEqualTo(range(4, 2, 16));
        assertThat(hover(at("cpus", 0)).getContents().getRight().getValue()).contains("cpus N", "number of CPUs", "1 to 4096");
        assertThat(hover(at("tso", 0))).as("a knob's value has no row of its own").isNull();
        assertThat(hover(at("memory", 0)).getContents().getRight().getValue()).contains("x86-TSO");
        assertThat(hover(at("self", 0)).getContents().getRight().getValue()).contains("the CPU running the code");
        assertThat(hover(at("pfn", 0)).getContents().getRight().getValue()).contains("the frame the PTE points to");
        assertThat(hover(at("flush_one", 1)).getContents().getRight().getValue()).contains("irq flush_one(from) {", "IRQ handler");
    }

    private List<? extends Location> definition(Position p) throws Exception {
        return server.getTextDocumentService().definition(new DefinitionParams(new TextDocumentIdentifier(URI), p)).get(30, TimeUnit.SECONDS).getLeft();
    }

    @Test
    @DisplayName("go to definition: a handler, a procedure, a page, a frame, a shared variable, a parameter and a local")
    void definitions() throws Exception {
        open(MODEL);

        assertThat(definition(at("flush_one", 1))).extracting(Location::getRange).containsExactly(range(3, 4, 13));
        assertThat(definition(at("munmap", 1))).extracting(Location::getRange).containsExactly(range(7, 5, 11));
        assertThat(definition(at("p)", 1))).extracting(Location::getRange).containsExactly(range(1, 12, 13));
        assertThat(definition(at("gen", 2))).extracting(Location::getRange).containsExactly(range(2, 7, 10));
        assertThat(definition(at("va", 1))).extracting(Location::getRange).containsExactly(range(7, 12, 14));
        assertThat(definition(at("old", 1))).extracting(Location::getRange).containsExactly(range(8, 2, 5));
        assertThat(definition(at("from", 1))).extracting(Location::getRange).containsExactly(range(3, 14, 18));
        assertThat(definition(at("free_frame", 0))).as("a built-in has no declaration in the file").isEmpty();
        assertThat(definition(at("f writable", 0))).extracting(Location::getUri, Location::getRange)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(URI, range(1, 23, 24)));
    }

    private List<String> complete(String text, Position p) throws Exception {
        change(text, 11);
        client.diagnostics.poll(30, TimeUnit.SECONDS);
        return server.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(URI), p)).get(30, TimeUnit.SECONDS)
                .getLeft().stream().map(CompletionItem::getLabel).toList();
    }

    @Test
    @DisplayName("completion: knobs inside hardware, a knob's values, built-ins and the model's names in a body")
    void completion() throws Exception {
        open(MODEL);

        assertThat(complete("hardware x86 { cpus 2; t }\n", new Position(0, 24))).contains("tlb_capacity", "memory", "pcid").doesNotContain("read");
        assertThat(complete("hardware x86 {\n  paging_cache \n}\n", new Position(1, 15))).containsExactly("off", "x86", "lpae");
        assertThat(complete("hardware \n", new Position(0, 9))).contains("x86", "arm64", "xen-pv");
        // The text as typed does not parse: the names come from its last version that did.
        change(MODEL, 10);
        client.diagnostics.poll(30, TimeUnit.SECONDS);
        List<String> inBody = complete(MODEL.replace("  gen = gen + 1\n", "  gen = gen + \n"), new Position(11, 14));
        assertThat(inBody).contains("flush_tlb_page", "ptep_get_and_clear", "old", "va", "gen", "munmap", "flush_one", "self", "while");
        assertThat(inBody.indexOf("old")).as("locals first").isLessThan(inBody.indexOf("flush_tlb_page"));
    }

    @Test
    @DisplayName("shutdown then exit ends the server with 0")
    void shutdownAndExit() throws Exception {
        server.shutdown().get(30, TimeUnit.SECONDS);
        server.exit();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
    }
}
