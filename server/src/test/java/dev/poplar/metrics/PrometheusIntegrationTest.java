package dev.poplar.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes a running Poplar on loopback; the test asks Prometheus's HTTP
 * API that the target is up and that a POP3 session moved the command counter.
 */
class PrometheusIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesPoplar() throws Exception {
        Path prometheus = Tools.require("prometheus");
        try (TestServer server = TestServer.start(dir.resolve("poplar"));
                HttpClient http = HttpClient.newHttpClient()) {
            server.addUser("prom", "pw-prom");
            int port = TestServer.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: poplar
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(server.httpPort()));
            Process p = new ProcessBuilder(
                            prometheus.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
                waitFor(http, api + enc("up{job=\"poplar\"}"), 1, "target up");
                try (LineClient c = new LineClient(server.pop3Port())) {
                    c.line();
                    c.send("USER prom\r\nPASS pw-prom\r\nSTAT\r\nQUIT\r\n");
                    for (int i = 0; i < 4; i++) {
                        c.line();
                    }
                }
                waitFor(
                        http,
                        api + enc("poplar_pop3_commands_total{job=\"poplar\",cmd_name=\"STAT\",reply_state=\"OK\"}"),
                        1,
                        "STAT counter seen by Prometheus");
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls an instant query until its first value reaches {@code atLeast}, with a deadline. */
    private static void waitFor(HttpClient http, String url, double atLeast, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                JsonNode result = JSON.readTree(r.body()).path("data").path("result");
                if (result.size() > 0 && result.get(0).path("value").get(1).asDouble() >= atLeast) {
                    return;
                }
            } catch (java.io.IOException starting) {
                last = starting.toString(); // Prometheus not listening yet
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(200); // polling interval of a condition with a deadline
        }
        assertTrue(false, what + " within 60s; last answer: " + last);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
