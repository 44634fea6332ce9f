package dev.shootdown.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one trace file on 127.0.0.1 (never another interface) for ui.perfetto.dev to fetch: the
 * UI runs in the browser on https://ui.perfetto.dev and reads {@code ?url=} with fetch(), so the
 * response must allow that origin (CORS), and Chrome's private-network preflight must be answered.
 * Only {@code /NAME} is served; anything else is 404. Like Perfetto's tools/open_trace_in_ui.
 */
final class TraceServer implements AutoCloseable {
    static final String ORIGIN = "https://ui.perfetto.dev";

    private final Path file;
    private final String name;
    private final HttpServer server;
    private final CountDownLatch served = new CountDownLatch(1);
    private final AtomicInteger downloads = new AtomicInteger();

    /** Binds 127.0.0.1:{@code port} (0 picks a free one) and starts serving {@code file}. */
    TraceServer(Path file, int port) throws IOException {
        this.file = file;
        this.name = file.getFileName().toString();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "trace-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The address the server listens on (always 127.0.0.1). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where the file is: http://127.0.0.1:PORT/NAME. */
    String url() {
        return "http://127.0.0.1:" + port() + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The link that opens the trace in the Perfetto UI. */
    String perfettoLink() {
        return ORIGIN + "/#!/?url=" + url();
    }

    /** Waits until the file has been downloaded once (a complete GET). */
    void awaitDownload() throws InterruptedException {
        served.await();
    }

    int downloads() {
        return downloads.get();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        boolean downloaded;
        try (x) {
            downloaded = respond(x);
        }
        if (downloaded) {
            downloads.incrementAndGet();
            served.countDown();
        }
    }

    /** Answers one request; true when it was a complete download of the file. */
    private boolean respond(HttpExchange x) throws IOException {
        var h = x.getResponseHeaders();
        h.set("Access-Control-Allow-Origin", ORIGIN);
        h.set("Vary", "Origin");
        h.set("Cache-Control", "no-cache");
        String method = x.getRequestMethod();
        if (method.equals("OPTIONS")) {
            // The CORS preflight; Chrome adds Access-Control-Request-Private-Network for a public page fetching from loopback.
            h.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            String asked = x.getRequestHeaders().getFirst("Access-Control-Request-Headers");
            if (asked != null) {
                h.set("Access-Control-Allow-Headers", asked);
            }
            if ("true".equalsIgnoreCase(x.getRequestHeaders().getFirst("Access-Control-Request-Private-Network"))) {
                h.set("Access-Control-Allow-Private-Network", "true");
            }
            h.set("Access-Control-Max-Age", "600");
            x.sendResponseHeaders(204, -1);
            return false;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            h.set("Allow", "GET, HEAD, OPTIONS");
            x.sendResponseHeaders(405, -1);
            return false;
        }
        URI uri = x.getRequestURI();
        if (!("/" + name).equals(uri.getPath())) {
            byte[] body = ("not found: only /" + name + " is served here\n").getBytes(StandardCharsets.UTF_8);
            h.set("Content-Type", "text/plain; charset=utf-8");
            x.sendResponseHeaders(404, method.equals("HEAD") ? -1 : body.length);
            if (!method.equals("HEAD")) {
                x.getResponseBody().write(body);
            }
            return false;
        }
        long size = Files.size(file);
        h.set("Content-Type", name.endsWith(".json") ? "application/json" : "application/octet-stream");
        if (method.equals("HEAD")) {
            h.set("Content-Length", Long.toString(size));
            x.sendResponseHeaders(200, -1);
            return false;
        }
        x.sendResponseHeaders(200, size == 0 ? -1 : size);
        try (OutputStream out = x.getResponseBody()) {
            Files.copy(file, out);
        }
        return true;
    }
}
