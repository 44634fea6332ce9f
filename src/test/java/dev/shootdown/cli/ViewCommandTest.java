package dev.shootdown.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace server answers from 127.0.0.1 with the CORS headers ui.perfetto.dev needs; view prints the link and stops after one download with --once. */
class ViewCommandTest {
    static final String TRACE = "{\"traceEvents\":[{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"cpu 0\"}}],\"displayTimeUnit\":\"ns\"}\n";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Path traceFile(String name) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, TRACE, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    @Timeout(30) // a guard against a hang in awaitDownload, not a timing assertion
    void servesTheFileFromLoopbackWithThePerfettoOrigin() throws Exception {
        Path f = traceFile("run.json");
        try (TraceServer server = new TraceServer(f, 0)) {
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/run.json");
            assertThat(server.perfettoLink()).isEqualTo("https://ui.perfetto.dev/#!/?url=http://127.0.0.1:" + server.port() + "/run.json");

            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.url())).header("Origin", "https://ui.perfetto.dev").GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ui.perfetto.dev");
            assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(get.body()).isEqualTo(TRACE);
            // The server counts a download once the exchange has closed, which may be just after the client has the body.
            server.awaitDownload();
            assertThat(server.downloads()).isEqualTo(1);
        }
    }

    @Test
    void answersTheCorsAndPrivateNetworkPreflight() throws Exception {
        try (TraceServer server = new TraceServer(traceFile("run.json"), 0)) {
            HttpResponse<String> pre = http.send(HttpRequest.newBuilder(URI.create(server.url()))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://ui.perfetto.dev")
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "range")
                    .header("Access-Control-Request-Private-Network", "true")
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(pre.statusCode()).isEqualTo(204);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ui.perfetto.dev");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Headers")).hasValue("range");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Private-Network")).hasValue("true");
            assertThat(server.downloads()).isZero();
        }
    }

    @Test
    void servesOnlyThatFileAndOnlyOnLoopback() throws Exception {
        try (TraceServer server = new TraceServer(traceFile("run.json"), 0)) {
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/../etc/passwd")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ui.perfetto.dev");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url())).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(server.downloads()).isZero();
        }
        // The listening socket is bound to 127.0.0.1, not to every interface.
        try (TraceServer server = new TraceServer(traceFile("b.json"), 0)) {
            assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void viewPrintsThePerfettoLinkAndWithOnceStopsAfterOneDownload() throws Exception {
        Path f = traceFile("my trace.json");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ViewCommand());
        cli.setOut(new PrintWriter(out, true));
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cli.execute("--once", "--port", "0", f.toString())), "view-under-test");
        t.start();

        Matcher m = Pattern.compile("Open in Perfetto: https://ui\\.perfetto\\.dev/#!/\\?url=(http://127\\.0\\.0\\.1:(\\d+)/my%20trace\\.json)").matcher("");
        // Waits for the command to print its link (a guard against a hang, not a timing assertion).
        for (int i = 0; i < 1000 && !m.reset(out.toString()).find(); i++) {
            Thread.sleep(10);
        }
        assertThat(m.reset(out.toString()).find()).as("printed: %s", out).isTrue();

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(TRACE);
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ui.perfetto.dev");

        t.join(60_000);
        assertThat(t.isAlive()).as("view --once returned after the download").isFalse();
        assertThat(code.get()).isZero();
    }

    @Test
    void aMissingFileIsBadInput() {
        SimulateCommandTest.Out o = SimulateCommandTest.run("view", dir.resolve("nope.json").toString(), "--once");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("no such file");
    }
}
