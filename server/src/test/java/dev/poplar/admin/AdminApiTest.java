package dev.poplar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.server.DataDirectory;
import dev.poplar.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP admin API and health probes over a real socket. */
class AdminApiTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> call(HttpClient http, String method, String url, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthNeedsNoTokenAndTheApiDoes() throws Exception {
        try (TestServer s = TestServer.start(dir);
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + s.httpPort();
            assertEquals(
                    200, call(http, "GET", base + "/health/live", null, null).statusCode());
            assertEquals(
                    200, call(http, "GET", base + "/health/ready", null, null).statusCode());
            assertEquals(401, call(http, "GET", base + "/api/users", null, null).statusCode());
            assertEquals(
                    401,
                    call(http, "GET", base + "/api/users", "wrong-token", null).statusCode());
            Path tokenFile = dir.resolve(DataDirectory.TOKEN_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).trim();
            assertEquals(
                    200, call(http, "GET", base + "/api/users", token, null).statusCode());
        }
    }

    @Test
    void usersAndMailboxesThroughTheApi() throws Exception {
        try (TestServer s = TestServer.start(dir);
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + s.httpPort();
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            assertEquals(
                    200,
                    call(http, "POST", base + "/api/users", token, "{\"name\":\"erin\",\"password\":\"pw1\"}")
                            .statusCode());
            HttpResponse<String> dup =
                    call(http, "POST", base + "/api/users", token, "{\"name\":\"ERIN\",\"password\":\"pw1\"}");
            assertEquals(409, dup.statusCode());
            assertTrue(dup.body().contains("already exists"), dup.body());
            assertEquals(
                    400,
                    call(http, "POST", base + "/api/users", token, "{\"name\":\"bad name\",\"password\":\"x\"}")
                            .statusCode());
            assertEquals(
                    400,
                    call(http, "POST", base + "/api/users", token, "not json").statusCode());
            assertEquals(
                    200,
                    call(http, "POST", base + "/api/mailboxes/erin/messages", token, "Subject: via api\n\nhi\n")
                            .statusCode());
            HttpResponse<String> stats = call(http, "GET", base + "/api/mailboxes/erin", token, null);
            assertTrue(stats.body().contains("\"messages\":1"), stats.body());
            assertEquals(
                    404,
                    call(http, "GET", base + "/api/mailboxes/nobody", token, null)
                            .statusCode());
            assertEquals(
                    200,
                    call(http, "PUT", base + "/api/users/erin/password", token, "{\"password\":\"pw2\"}")
                            .statusCode());
            HttpResponse<String> imported =
                    call(http, "POST", base + "/api/users/import", token, "frank f1\nerin pw2\n");
            assertEquals("{\"created\":1,\"updated\":0,\"unchanged\":1}", normalise(imported.body()));
            assertEquals(
                    200,
                    call(http, "DELETE", base + "/api/users/erin", token, null).statusCode());
            assertEquals(
                    404,
                    call(http, "DELETE", base + "/api/users/erin", token, null).statusCode());
            assertEquals(
                    "{\"users\":[\"frank\"],\"next\":null}",
                    call(http, "GET", base + "/api/users", token, null).body());
        }
    }

    /** A user-file body is read with a bound: a batch is small, a 40 MiB one is refused unread. */
    @Test
    void anOversizedImportBodyIsRefused() throws Exception {
        try (TestServer s = TestServer.start(dir);
                HttpClient http = HttpClient.newHttpClient()) {
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            HttpResponse<String> r = call(
                    http,
                    "POST",
                    "http://127.0.0.1:" + s.httpPort() + "/api/users/import",
                    token,
                    "x".repeat(40 << 20));
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("send at most 10000 users per request"), r.body());
            assertEquals(java.util.List.of(), s.admin().listUsers());
        }
    }

    /** A JSON body is read with a bound too: the largest request is a migration batch. */
    @Test
    void anOversizedJsonBodyIsRefused() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_LMTP_MAX_MESSAGE_SIZE", "1M");
                HttpClient http = HttpClient.newHttpClient()) {
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            HttpResponse<String> r = call(
                    http,
                    "POST",
                    "http://127.0.0.1:" + s.httpPort() + "/api/users",
                    token,
                    "{\"name\":\"" + "x".repeat(10 << 20) + "\",\"password\":\"p\"}");
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("the JSON body is over 7 MiB"), r.body());
            assertEquals(
                    200,
                    call(
                                    http,
                                    "POST",
                                    "http://127.0.0.1:" + s.httpPort() + "/api/users",
                                    token,
                                    "{\"name\":\"fine\",\"password\":\"p\"}")
                            .statusCode());
        }
    }

    /** Issue 13: per-user limits, paged listings and the node summary over HTTP. */
    @Test
    void limitsPagesAndTheNodeSummaryThroughTheApi() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_QUOTA_MAX_MESSAGES", "4", "POPLAR_RETENTION_MAX_AGE", "30d");
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + s.httpPort();
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            for (String u : new String[] {"ann", "bea", "bob", "bud", "cat"}) {
                s.addUser(u, "pw-" + u);
            }
            s.deliver("bob", "Subject: a\r\n\r\n" + "x".repeat(500) + "\r\n");
            s.deliver("bob", "Subject: b\r\n\r\nb\r\n");
            s.deliver("bud", "Subject: c\r\n\r\nc\r\n");
            // Pages of two names starting with "b", each page naming the next one's start.
            assertEquals(
                    "{\"users\":[\"bea\",\"bob\"],\"next\":\"bob\"}",
                    call(http, "GET", base + "/api/users?prefix=b&limit=2", token, null)
                            .body());
            assertEquals(
                    "{\"users\":[\"bud\"],\"next\":null}",
                    call(http, "GET", base + "/api/users?prefix=b&limit=2&after=bob", token, null)
                            .body());
            assertEquals(
                    400,
                    call(http, "GET", base + "/api/users?limit=0", token, null).statusCode());
            assertEquals(
                    400,
                    call(http, "GET", base + "/api/users?limit=-5", token, null).statusCode());
            assertEquals(
                    400,
                    call(http, "GET", base + "/api/users?limit=10001", token, null)
                            .statusCode());
            // Own limits: set, shown resolved, refused when absurd, returned to the default.
            assertEquals(
                    200,
                    call(
                                    http,
                                    "PUT",
                                    base + "/api/users/bob/limits",
                                    token,
                                    "{\"quota_messages\":\"2\",\"retention\":\"never\"}")
                            .statusCode());
            String stats =
                    call(http, "GET", base + "/api/mailboxes/bob", token, null).body();
            assertTrue(
                    stats.contains("\"limits\":{\"max_octets\":0,\"max_messages\":2,\"retention_millis\":0}"), stats);
            for (String bad : new String[] {
                "{\"quota_size\":\"-5\"}",
                "{\"quota_size\":\"99999999T\"}",
                "{\"quota_messages\":\"lots\"}",
                "{\"retention\":\"-1d\"}",
                "{\"retention\":\"12h\"}"
            }) {
                HttpResponse<String> r = call(http, "PUT", base + "/api/users/bob/limits", token, bad);
                assertEquals(400, r.statusCode(), bad + " -> " + r.body());
            }
            assertEquals(
                    404,
                    call(http, "PUT", base + "/api/users/nobody/limits", token, "{}")
                            .statusCode());
            String bud =
                    call(http, "GET", base + "/api/mailboxes/bud", token, null).body();
            assertTrue(bud.contains("\"max_messages\":4,\"retention_millis\":2592000000"), "defaults: " + bud);
            // The summary: bob is full (2 of 2), the largest; the others are far from their limit.
            AdminOperations.NodeSummary summary = AdminJson.readResponse(
                    call(http, "GET", base + "/api/summary?top=1", token, null)
                            .body()
                            .getBytes(),
                    AdminOperations.NodeSummary.class);
            assertEquals(5, summary.mailboxes());
            assertEquals(3, summary.messages());
            assertEquals(1, summary.full());
            assertEquals(0, summary.nearlyFull());
            assertEquals(1, summary.largest().size());
            assertEquals("bob", summary.largest().getFirst().name());
            String page = call(http, "GET", base + "/api/mailboxes?prefix=bu", token, null)
                    .body();
            assertTrue(page.startsWith("{\"mailboxes\":[{\"name\":\"bud\",\"messages\":1,"), page);
            // Back to the default: the node's 4 messages again.
            call(http, "PUT", base + "/api/users/bob/limits", token, "{\"quota_messages\":\"default\"}");
            assertEquals(4, s.admin().stats("bob").limits().maxMessages());
            assertEquals(0, s.admin().stats("bob").limits().retentionMillis(), "retention still its own");
        }
    }

    @Test
    void aDeliveryOverTheLimitIsRefusedWithoutReadingTheRest() throws Exception {
        // The review's 400 MB upload: the server must answer at the limit, not after the body.
        try (TestServer s = TestServer.start(dir, "POPLAR_LMTP_MAX_MESSAGE_SIZE", "1M")) {
            s.addUser("erin", "pw1");
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            for (boolean chunked : new boolean[] {false, true}) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.httpPort())) {
                    socket.setSoTimeout(20_000);
                    var out = socket.getOutputStream();
                    out.write(("POST /api/mailboxes/erin/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                                    + "\r\n" + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: 419430400")
                                    + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    Thread writer = Thread.ofVirtual().start(() -> {
                        byte[] piece = ("x".repeat(1023) + "\n")
                                .repeat(64)
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        try {
                            for (int i = 0; i < 6400; i++) { // 400 MiB, if the server kept reading
                                if (chunked) {
                                    out.write((Integer.toHexString(piece.length) + "\r\n")
                                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                                }
                                out.write(piece);
                                if (chunked) {
                                    out.write(new byte[] {'\r', '\n'});
                                }
                            }
                        } catch (java.io.IOException expected) {
                            // refused and closed
                        }
                    });
                    String status = new java.io.BufferedReader(new java.io.InputStreamReader(
                                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                            .readLine();
                    assertTrue(
                            status.startsWith("HTTP/1.1 413 "), status + " " + (chunked ? "chunked" : "with a length"));
                    socket.close();
                    writer.join(20_000);
                }
            }
            assertEquals(0, s.admin().stats("erin").messages());
        }
    }

    @Test
    void anEmptyMessageIsRefusedWhetherTheServerRunsOrNot() throws Exception {
        try (TestServer s = TestServer.start(dir);
                HttpClient http = HttpClient.newHttpClient()) {
            s.addUser("erin", "pw1");
            String token =
                    Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            HttpResponse<String> r = call(
                    http, "POST", "http://127.0.0.1:" + s.httpPort() + "/api/mailboxes/erin/messages", token, null);
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("the message is empty"), r.body());
            AdminException offline = org.junit.jupiter.api.Assertions.assertThrows(
                    AdminException.class, () -> s.admin().deliver("erin", new byte[0]));
            assertEquals(AdminException.Kind.INVALID, offline.kind());
            assertEquals(0, s.admin().stats("erin").messages());
        }
    }

    private static String normalise(String json) {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            var n = m.readTree(json);
            return "{\"created\":" + n.get("created") + ",\"updated\":" + n.get("updated") + ",\"unchanged\":"
                    + n.get("unchanged") + "}";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
