package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shootdown lsp} as an editor starts it: a process of its own that speaks JSON-RPC, framed by
 * Content-Length headers, on its standard input and output, and nothing else on its output.
 */
class LspCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void send(OutputStream out, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The next message: headers up to an empty line, then as many bytes as Content-Length says. */
    private static JsonNode receive(InputStream in) throws IOException {
        int length = -1;
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                assertThat(c).as("the server closed its output").isNotEqualTo(-1);
                line.write(c);
            }
            String header = line.toString(StandardCharsets.US_ASCII).strip();
            if (header.isEmpty()) {
                break;
            }
            assertThat(header).as("only headers before the body").containsPattern("^Content-(Length|Type): ");
            if (header.startsWith("Content-Length: ")) {
                length = Integer.parseInt(header.substring("Content-Length: ".length()));
            }
        }
        return JSON.readTree(in.readNBytes(length));
    }

    @Test
    @DisplayName("initialize, didOpen of a model with an error, its diagnostic, shutdown and exit: exit code 0")
    void conversationOverStdio() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Main.class.getName(), "lsp", "--stdio")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream out = p.getOutputStream();
            InputStream in = p.getInputStream();
            send(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}}");
            JsonNode init = receive(in);
            assertThat(init.get("id").asInt()).isEqualTo(1);
            assertThat(init.at("/result/capabilities/definitionProvider").asBoolean()).isTrue();
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
            String text = "hardware x86 { cpus 1 }\\nmm A { page p -> frame f }\\ncpu 0 runs A: read(q)\\n";
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
                    + "{\"uri\":\"file:///tmp/m.sd\",\"languageId\":\"shootdown\",\"version\":1,\"text\":\"" + text + "\"}}}");
            JsonNode diagnostics = receive(in);
            assertThat(diagnostics.get("method").asText()).isEqualTo("textDocument/publishDiagnostics");
            JsonNode d = diagnostics.at("/params/diagnostics/0");
            assertThat(d.at("/range/start/line").asInt()).isEqualTo(2);
            assertThat(d.at("/range/start/character").asInt()).isEqualTo(19);
            assertThat(d.at("/range/end/character").asInt()).isEqualTo(20);
            assertThat(d.get("message").asText()).contains("'q'");
            send(out, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
            assertThat(receive(in).get("id").asInt()).isEqualTo(2);
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");

            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after exit").isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
