package dev.poplar.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poplar.net.SessionView;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailboxStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Admin operations through a running server's HTTP admin API (see docs/cli.md). */
public final class HttpAdminClient implements AdminOperations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public HttpAdminClient(String baseUrl, String token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    @Override
    public void addUser(String name, String password) throws AdminException {
        send("POST", "/api/users", json(Map.of("name", name, "password", password)));
    }

    @Override
    public void setPassword(String name, String password) throws AdminException {
        send("PUT", "/api/users/" + enc(name) + "/password", json(Map.of("password", password)));
    }

    @Override
    public void deleteUser(String name) throws AdminException {
        send("DELETE", "/api/users/" + enc(name), null);
    }

    @Override
    public List<String> listUsers() throws AdminException {
        return read(send("GET", "/api/users", null).get("users"), new TypeReference<>() { });
    }

    @Override
    public ImportResult importUsers(String fileContent, boolean hashed) throws AdminException {
        JsonNode n = send("POST", "/api/users/import" + (hashed ? "?hashed=true" : ""), fileContent.getBytes(StandardCharsets.UTF_8));
        return new ImportResult(n.get("created").asInt(), n.get("updated").asInt(), n.get("unchanged").asInt());
    }

    /** Streams the message to the server, which refuses it as soon as it is over the limit. */
    @Override
    public long deliver(String name, java.io.InputStream message) throws AdminException {
        return sendBody("POST", "/api/mailboxes/" + enc(name) + "/messages",
                HttpRequest.BodyPublishers.ofInputStream(() -> message)).get("uid").asLong();
    }

    @Override
    public MigrationBatch migrate(String name, List<MigratedMessage> messages) throws AdminException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (MigratedMessage m : messages) {
            list.add(Map.of("uidl", m.uidl(), "received", m.receivedMillis(),
                    "raw", java.util.Base64.getEncoder().encodeToString(m.raw())));
        }
        JsonNode n = send("POST", "/api/mailboxes/" + enc(name) + "/migrate", json(Map.of("messages", list)));
        return new MigrationBatch(n.get("stored").asInt(), n.get("already").asInt());
    }

    @Override
    public List<MessageSummary> messages(String name, boolean digests) throws AdminException {
        List<MessageSummary> out = new ArrayList<>();
        for (JsonNode m : send("GET", "/api/mailboxes/" + enc(name) + "/messages?digests=" + digests, null).get("messages")) {
            out.add(new MessageSummary(m.get("uidl").asText(), m.get("octets").asLong(),
                    m.hasNonNull("sha256") ? m.get("sha256").asText() : null));
        }
        return out;
    }

    @Override
    public MailboxStats stats(String name) throws AdminException {
        JsonNode n = send("GET", "/api/mailboxes/" + enc(name), null);
        return new MailboxStats(n.get("name").asText(), n.get("messages").asLong(), n.get("octets").asLong(),
                n.get("next_uid").asLong(), n.get("epoch").asLong());
    }

    @Override
    public String addAppPassword(String name, String label) throws AdminException {
        return send("POST", "/api/users/" + enc(name) + "/app-passwords", json(Map.of("label", label))).get("password").asText();
    }

    @Override
    public List<AppPasswordInfo> appPasswords(String name) throws AdminException {
        List<AppPasswordInfo> out = new ArrayList<>();
        for (JsonNode n : send("GET", "/api/users/" + enc(name) + "/app-passwords", null).get("app_passwords")) {
            out.add(new AppPasswordInfo(n.get("label").asText(), Instant.parse(n.get("created").asText())));
        }
        return out;
    }

    @Override
    public void revokeAppPassword(String name, String label) throws AdminException {
        send("DELETE", "/api/users/" + enc(name) + "/app-passwords/" + enc(label), null);
    }

    @Override
    public long backup(String dir) throws AdminException {
        // A name is resolved by the server, under its poplar.backup-root.
        return send("POST", "/api/backup", json(Map.of("dir", dir))).get("accounts").asLong();
    }

    @Override
    public void setApopSecret(String name, String secret) throws AdminException {
        if (secret == null) {
            send("DELETE", "/api/users/" + enc(name) + "/apop-secret", null);
        } else {
            send("PUT", "/api/users/" + enc(name) + "/apop-secret", json(Map.of("secret", secret)));
        }
    }

    @Override
    public ExpungeCriteria.Result expunge(String name, ExpungeCriteria c) throws AdminException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("all", c.all());
        c.uid().ifPresent(u -> body.put("uid", u));
        c.receivedBefore().ifPresent(t -> body.put("received_before", t.toString()));
        c.largerThan().ifPresent(l -> body.put("larger_than", l));
        JsonNode n = send("POST", "/api/mailboxes/" + enc(name) + "/expunge", json(body));
        return new ExpungeCriteria.Result(n.get("messages").asLong(), n.get("octets").asLong());
    }

    @Override
    public List<SessionView> who() throws AdminException {
        List<SessionView> out = new ArrayList<>();
        for (JsonNode s : send("GET", "/api/sessions", null).get("sessions")) {
            out.add(new SessionView(s.get("id").asText(), s.get("listener").asText(), s.get("user").asText(),
                    s.get("ip").asText(), s.get("state").asText(), Instant.parse(s.get("started").asText()),
                    s.get("bytes_in").asLong(), s.get("bytes_out").asLong()));
        }
        return out;
    }

    @Override
    public int kick(String user, String sessionId) throws AdminException {
        if (sessionId != null) {
            return send("DELETE", "/api/sessions/" + enc(sessionId), null).get("kicked").asInt();
        }
        return send("POST", "/api/sessions/kick", json(Map.of("user", user == null ? "" : user))).get("kicked").asInt();
    }

    @Override
    public ServerControl.DrainStatus drain() throws AdminException {
        JsonNode n = send("POST", "/api/drain", null);
        return new ServerControl.DrainStatus(n.get("draining").asBoolean(), n.get("sessions").asInt());
    }

    @Override
    public void close() {
        http.close();
    }

    private JsonNode send(String method, String path, byte[] body) throws AdminException {
        return sendBody(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private JsonNode sendBody(String method, String path, HttpRequest.BodyPublisher body) throws AdminException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .method(method, body);
        HttpResponse<byte[]> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE,
                    "cannot reach the Poplar server at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted");
        }
        JsonNode node;
        try {
            node = res.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(res.body());
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.FAILED, "server answered HTTP " + res.statusCode()
                    + " with a body that is not JSON");
        }
        if (res.statusCode() >= 300) {
            String message = node.has("error") ? node.get("error").asText() : "HTTP " + res.statusCode();
            throw new AdminException(AdminException.Kind.ofHttpStatus(res.statusCode()), message);
        }
        return node;
    }

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(JsonNode n, TypeReference<T> type) {
        return JSON.convertValue(n, type);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
