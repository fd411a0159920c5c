package dev.poplar.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics over HTTP: names, negotiation, label hygiene, and agreement with the ops kit. */
class MetricsTest {
    private static final Pattern METRIC = Pattern.compile("\\b((?:poplar|jvm|process)_[a-z0-9_]+)");

    @TempDir
    Path dir;

    TestServer server;
    HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir);
        http = HttpClient.newHttpClient();
        server.addUser("metric-user", "pw-metric");
        server.deliver("metric-user", Messages.simple(1));
        try (LineClient c = new LineClient(server.pop3Port())) {
            c.line();
            c.send("USER metric-user\r\nPASS pw-metric\r\nSTAT\r\nRETR 1\r\nBOGUS\r\nQUIT\r\n");
            c.line();
            c.line();
            c.line();
            c.rawUntilTerminator();
            c.line();
            c.line();
        }
        try (LineClient c = new LineClient(server.lmtpPort())) {
            c.line();
            c.send("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<metric-user>\r\nRCPT TO:<nobody>\r\nDATA\r\n");
            for (int i = 0; i < 9; i++) { // LHLO (5 lines), MAIL, 2 RCPT, DATA
                c.line();
            }
            c.send("Subject: m\r\n\r\nx\r\n.\r\nQUIT\r\n");
            c.line();
            c.line();
        }
    }

    @AfterEach
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> scrape(String accept) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> sampleNames(String scrape) {
        return scrape.lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void countersMoveWithTraffic() throws Exception {
        String text = scrape(null).body();
        assertTrue(text.contains("poplar_pop3_commands_total{cmd_name=\"STAT\",reply_state=\"OK\"} 1.0"), text);
        assertTrue(text.contains("poplar_pop3_commands_total{cmd_name=\"unknown\",reply_state=\"ERR\"} 1.0"));
        assertTrue(text.contains("poplar_pop3_messages_retrieved_total{cmd_name=\"RETR\"} 1.0"));
        assertTrue(text.contains("poplar_auth_attempts_total{mechanism=\"user\",result=\"success\"} 1.0"));
        assertTrue(text.contains("poplar_lmtp_deliveries_total{result=\"delivered\"} 1.0"));
        assertTrue(text.contains("poplar_lmtp_deliveries_total{result=\"unknown_user\"} 1.0"));
        assertTrue(text.contains("poplar_sessions_closed_total{listener=\"pop3\",reason=\"quit\"} 1.0"));
        assertTrue(text.contains("poplar_build_info{"));
        assertTrue(text.contains("jvm_threads_virtual_"), "virtual-thread metrics");
    }

    @Test
    void labelsNeverCarryUsersOrAddresses() throws Exception {
        String text = scrape(null).body();
        assertFalse(text.contains("metric-user"), "user name in a label");
        assertFalse(text.contains("127.0.0.1"), "client address in a label");
        assertFalse(text.contains("BOGUS"), "client text in a label");
    }

    @Test
    void negotiatesOpenMetrics() throws Exception {
        HttpResponse<String> om = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(om.body().endsWith("# EOF\n"));
        HttpResponse<String> text = scrape("text/plain");
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    }

    /** Every metric the alert rules and the dashboard use must exist in a live scrape. */
    @Test
    void rulesAndDashboardOnlyUseMetricsThatExist() throws Exception {
        // Micrometer registers jvm_gc_pause_seconds at the first collection: cause one, then wait for it.
        long deadline = System.nanoTime() + 30_000_000_000L;
        Set<String> live = sampleNames(scrape(null).body());
        while (!live.contains("jvm_gc_pause_seconds_sum") && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100); // polling a condition with a deadline
            live = sampleNames(scrape(null).body());
        }
        // The cluster row and alerts use what a node in a cluster exports: scrape one too.
        try (dev.poplar.testing.Etcd etcd = dev.poplar.testing.Etcd.create(dir.resolve("etcd"), true);
                TestServer node = TestServer.start(
                        dir.resolve("cluster-node"),
                        "POPLAR_CLUSTER_ETCD",
                        etcd.url().toString(),
                        "POPLAR_CLUSTER_NODE",
                        "metrics-node")) {
            live = new TreeSet<>(live);
            live.addAll(sampleNames(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body()));
        }
        for (Path file : List.of(
                Path.of("../ops/prometheus/poplar.rules.yml"), Path.of("../ops/grafana/poplar-overview.json"))) {
            Matcher m = METRIC.matcher(Files.readString(file));
            Set<String> used = new TreeSet<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            assertFalse(used.isEmpty(), file.toString());
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(live);
            assertEquals(Set.of(), missing, file + " uses metrics the server does not export");
        }
    }

    /** docs/operations.md documents every poplar_ metric family the server exports. */
    @Test
    void everyMetricIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../docs/operations.md"));
        Set<String> families = scrape(null)
                .body()
                .lines()
                .filter(l -> l.startsWith("# TYPE poplar_"))
                .map(l -> l.split(" ")[2])
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(families.isEmpty());
        Set<String> undocumented = families.stream()
                .filter(n -> !doc.contains("`" + n + "`"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), undocumented, "metrics missing from docs/operations.md");
    }

    @Test
    void promtoolAcceptsTheScrapeAndTheRules() throws Exception {
        Path promtool = Tools.require("promtool");
        Tools.Result metrics = Tools.run(
                List.of(promtool.toString(), "check", "metrics"), scrape(null).body());
        assertEquals(0, metrics.exit(), metrics.output());
        Tools.Result check =
                Tools.run(List.of(promtool.toString(), "check", "rules", "../ops/prometheus/poplar.rules.yml"), null);
        assertEquals(0, check.exit(), check.output());
        Tools.Result test = Tools.run(
                List.of(
                        promtool.toString(),
                        "test",
                        "rules",
                        "../ops/prometheus/tests/poplar.rules.test.yml",
                        "../ops/prometheus/tests/poplar.cert.rules.test.yml"),
                null);
        assertEquals(0, test.exit(), test.output());
    }
}
