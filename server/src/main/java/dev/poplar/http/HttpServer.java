package dev.poplar.http;

import dev.poplar.metrics.PoplarMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * The Helidon SE HTTP listener: health probes and /metrics without a token, the admin API with one.
 */
public final class HttpServer implements AutoCloseable {
    private final WebServer server;

    private HttpServer(WebServer server) {
        this.server = server;
    }

    /**
     * @param ready       /health/ready answers 200 only while this is true (started, not draining,
     *                    store writable, directories up)
     * @param directories each LDAP or SQL directory's state, shown in /health/ready's body
     */
    public static HttpServer start(
            String host,
            int port,
            AdminRoutes admin,
            PoplarMetrics metrics,
            BooleanSupplier ready,
            java.util.function.Supplier<java.util.Map<String, String>> directories)
            throws IOException {
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                // Helidon writes a response's head and body separately: with Nagle on, each
                // keep-alive request of the CLI waited ~40 ms for the client's delayed ACK.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownHook(false)
                .routing(r -> r.get(
                                "/health/live",
                                (req, res) -> AdminRoutes.reply(res, 200, java.util.Map.of("status", "UP")))
                        .get("/health/ready", (req, res) -> {
                            boolean ok = ready.getAsBoolean();
                            java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
                            body.put("status", ok ? "UP" : "DOWN");
                            java.util.Map<String, String> d = directories.get();
                            if (!d.isEmpty()) {
                                body.put("directories", d);
                            }
                            AdminRoutes.reply(res, ok ? 200 : 503, body);
                        })
                        .get("/metrics", (req, res) -> {
                            // Content negotiation (Prometheus text, OpenMetrics, protobuf) by Accept.
                            String accept =
                                    req.headers().first(HeaderNames.ACCEPT).orElse("");
                            res.header(HeaderNames.CONTENT_TYPE, metrics.contentType(accept));
                            try (OutputStream out = res.outputStream()) {
                                metrics.scrape(accept, out);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })
                        .register("/api", admin))
                .build()
                .start();
        if (!server.isRunning()) {
            // Helidon logs why (a taken port, a missing address) and returns a stopped server:
            // serving on without the health checks and the admin API would be a half-started node.
            throw new IOException("cannot listen for http on " + host + ":" + port
                    + ": the address is in use or not available (the log above says which)");
        }
        return new HttpServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
