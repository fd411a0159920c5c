package dev.poplar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poplar.server.DataDirectory;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin route with bad input: never a 500, never parser internals, always a JSON error that
 * says what to fix; and the review's destructive inputs ("-5d") change nothing.
 */
class AdminRoutesFuzzTest {
    @TempDir
    Path dir;

    private static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/api/users"},
            new String[] {"POST", "/api/users"},
            new String[] {"POST", "/api/users/import"},
            new String[] {"PUT", "/api/users/fz/password"},
            new String[] {"DELETE", "/api/users/NAME"},
            new String[] {"POST", "/api/users/fz/app-passwords"},
            new String[] {"GET", "/api/users/fz/app-passwords"},
            new String[] {"DELETE", "/api/users/fz/app-passwords/NAME"},
            new String[] {"PUT", "/api/users/fz/apop-secret"},
            new String[] {"DELETE", "/api/users/NAME/apop-secret"},
            new String[] {"POST", "/api/mailboxes/NAME/messages"},
            new String[] {"GET", "/api/mailboxes/NAME"},
            new String[] {"POST", "/api/mailboxes/fz/expunge"},
            new String[] {"GET", "/api/sessions"},
            new String[] {"DELETE", "/api/sessions/NAME"},
            new String[] {"POST", "/api/sessions/kick"},
            new String[] {"POST", "/api/backup"});

    private static final List<String> BODIES = List.of(
            "",
            "not json",
            "{",
            "[]",
            "\"text\"",
            "123",
            "null",
            "{}",
            "{\"x\":1}",
            "[".repeat(5000) + "]".repeat(5000),
            "1e999999",
            "{\"name\":5,\"password\":[]}",
            "{\"name\":\"bad name\",\"password\":\"x\"}",
            "{\"password\":\"a\\u0000b\"}",
            "{\"label\":\"../../x\"}",
            "{\"uid\":-1}",
            "{\"uid\":\"abc\"}",
            "{\"uid\":1.5}",
            "{\"uid\":99999999999999999999999}",
            "{\"older_than\":\"-5d\"}",
            "{\"older_than\":\"0d\"}",
            "{\"older_than\":\"99999999999d\"}",
            "{\"older_than\":7}",
            "{\"received_before\":\"notadate\"}",
            "{\"received_before\":12}",
            "{\"larger_than\":-1}",
            "{\"larger_than\":\"99999999999999999999G\"}",
            "{\"larger_than\":\"10Q\"}",
            "{\"all\":\"yes\"}",
            "{\"all\":false}",
            "{\"older_than\":\"1d\",\"received_before\":\"2026-01-01T00:00:00Z\"}",
            "{\"user\":null}",
            "{\"dir\":\"/etc\"}",
            "{\"dir\":\"../../tmp/x\"}",
            "{\"secret\":\"\"}",
            "{\"olderThan\":\"30d\"}");

    private static final List<String> NAMES = List.of(
            "spare",
            "nobody",
            "bad%20name",
            "%00",
            "..%2F..%2Fetc",
            "x".repeat(300),
            "%C3%28",
            "a%0D%0AInjected:%20yes");

    @Test
    void noRouteAnswers500OrLeaksInternals() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"));
                HttpClient http = HttpClient.newHttpClient()) {
            s.addUser("fz", "fz-password");
            s.addUser("spare", "spare-password"); // the one the DELETE routes may remove
            for (int i = 0; i < 3; i++) {
                s.deliver("fz", Messages.simple(i));
            }
            String token = Files.readString(dir.resolve("data").resolve(DataDirectory.TOKEN_FILE))
                    .trim();
            Random random = new Random(42);
            List<String> failures = new ArrayList<>();
            int requests = 0;
            for (String[] route : ROUTES) {
                List<String> bodies = new ArrayList<>(BODIES);
                byte[] junk = new byte[200];
                random.nextBytes(junk);
                bodies.add(new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1));
                for (String name : route[1].contains("NAME") ? NAMES : List.of("")) {
                    String path = route[1].replace("NAME", name);
                    for (String body : bodies) {
                        if (route[0].equals("POST") && path.endsWith("/messages") && !body.isEmpty()) {
                            continue; // any non-empty bytes are a message: covered by AdminApiTest
                        }
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path))
                                        .header("Authorization", "Bearer " + token)
                                        .method(route[0], HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        requests++;
                        String what = route[0] + " " + path + " " + abbreviate(body) + " -> " + r.statusCode() + " "
                                + r.body();
                        if (r.statusCode() >= 500
                                || r.body().contains("Exception")
                                || r.body().contains("com.fasterxml")
                                || r.body().contains("Source:")) {
                            failures.add(what);
                        } else if (r.statusCode() >= 400
                                && r.statusCode() != 404
                                && r.statusCode() != 405
                                && !new ObjectMapper().readTree(r.body()).has("error")) {
                            failures.add("no JSON error: " + what);
                        }
                    }
                }
            }
            assertEquals(List.of(), failures, requests + " requests");
            assertEquals(3, s.admin().stats("fz").messages(), "no bad expunge removed anything");
        }
    }

    @Test
    void theReviewsInputsGetAClearFourHundred() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"));
                HttpClient http = HttpClient.newHttpClient()) {
            s.addUser("fz", "fz-password");
            s.deliver("fz", Messages.simple(1));
            String token = Files.readString(dir.resolve("data").resolve(DataDirectory.TOKEN_FILE))
                    .trim();
            String url = "http://127.0.0.1:" + s.httpPort() + "/api/mailboxes/fz/expunge";
            for (String[] c : new String[][] {
                {"{\"older_than\":\"-5d\"}", "older-than must be a positive age such as 90d, 12h, 30m or 45s, not '-5d'"
                },
                {
                    "{\"received_before\":\"notadate\"}",
                    "received_before must be an ISO-8601 UTC instant such as 2026-01-31T00:00:00Z"
                },
                {
                    "{\"older_than\":",
                    "the body is not valid JSON (line 1, column 15); send a JSON object such as {\"name\":\"alice\"}"
                },
                {
                    "{\"olderThan\":\"30d\"}",
                    "unknown field 'olderThan'; this request takes all, uid, older_than, received_before, larger_than"
                }
            }) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(c[0]))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), c[0]);
                assertEquals(
                        c[1], new ObjectMapper().readTree(r.body()).get("error").asText());
            }
            assertEquals(1, s.admin().stats("fz").messages(), "'-5d' deleted nothing");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
