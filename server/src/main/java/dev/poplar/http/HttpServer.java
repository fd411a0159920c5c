package dev.poplar.http;

import io.helidon.webserver.WebServer;
import java.util.function.BooleanSupplier;

/**
 * The Helidon SE HTTP listener: health probes without a token, the admin API with one.
 */
public final class HttpServer implements AutoCloseable {
    private final WebServer server;

    private HttpServer(WebServer server) {
        this.server = server;
    }

    public static HttpServer start(String host, int port, AdminRoutes admin, BooleanSupplier ready) {
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .routing(r -> r
                        .get("/health/live", (req, res) -> AdminRoutes.reply(res, 200, java.util.Map.of("status", "UP")))
                        .get("/health/ready", (req, res) -> {
                            boolean ok = ready.getAsBoolean();
                            AdminRoutes.reply(res, ok ? 200 : 503, java.util.Map.of("status", ok ? "UP" : "DOWN"));
                        })
                        .register("/api", admin))
                .build()
                .start();
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
