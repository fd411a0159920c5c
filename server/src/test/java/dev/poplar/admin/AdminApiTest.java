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
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthNeedsNoTokenAndTheApiDoes() throws Exception {
        try (TestServer s = TestServer.start(dir); HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + s.httpPort();
            assertEquals(200, call(http, "GET", base + "/health/live", null, null).statusCode());
            assertEquals(200, call(http, "GET", base + "/health/ready", null, null).statusCode());
            assertEquals(401, call(http, "GET", base + "/api/users", null, null).statusCode());
            assertEquals(401, call(http, "GET", base + "/api/users", "wrong-token", null).statusCode());
            Path tokenFile = dir.resolve(DataDirectory.TOKEN_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).trim();
            assertEquals(200, call(http, "GET", base + "/api/users", token, null).statusCode());
        }
    }

    @Test
    void usersAndMailboxesThroughTheApi() throws Exception {
        try (TestServer s = TestServer.start(dir); HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + s.httpPort();
            String token = Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim();
            assertEquals(200, call(http, "POST", base + "/api/users", token, "{\"name\":\"erin\",\"password\":\"pw1\"}").statusCode());
            HttpResponse<String> dup = call(http, "POST", base + "/api/users", token, "{\"name\":\"ERIN\",\"password\":\"pw1\"}");
            assertEquals(409, dup.statusCode());
            assertTrue(dup.body().contains("already exists"), dup.body());
            assertEquals(400, call(http, "POST", base + "/api/users", token, "{\"name\":\"bad name\",\"password\":\"x\"}").statusCode());
            assertEquals(400, call(http, "POST", base + "/api/users", token, "not json").statusCode());
            assertEquals(200, call(http, "POST", base + "/api/mailboxes/erin/messages", token, "Subject: via api\n\nhi\n").statusCode());
            HttpResponse<String> stats = call(http, "GET", base + "/api/mailboxes/erin", token, null);
            assertTrue(stats.body().contains("\"messages\":1"), stats.body());
            assertEquals(404, call(http, "GET", base + "/api/mailboxes/nobody", token, null).statusCode());
            assertEquals(200, call(http, "PUT", base + "/api/users/erin/password", token, "{\"password\":\"pw2\"}").statusCode());
            HttpResponse<String> imported = call(http, "POST", base + "/api/users/import", token, "frank f1\nerin pw2\n");
            assertEquals("{\"created\":1,\"updated\":0,\"unchanged\":1}", normalise(imported.body()));
            assertEquals(200, call(http, "DELETE", base + "/api/users/erin", token, null).statusCode());
            assertEquals(404, call(http, "DELETE", base + "/api/users/erin", token, null).statusCode());
            assertEquals("{\"users\":[\"frank\"]}", call(http, "GET", base + "/api/users", token, null).body());
        }
    }

    private static String normalise(String json) {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            var n = m.readTree(json);
            return "{\"created\":" + n.get("created") + ",\"updated\":" + n.get("updated") + ",\"unchanged\":" + n.get("unchanged") + "}";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
