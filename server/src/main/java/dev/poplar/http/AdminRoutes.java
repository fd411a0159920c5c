package dev.poplar.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.ExpungeRequest;
import dev.poplar.admin.ServerControl;
import dev.poplar.net.SessionView;
import dev.poplar.storage.ExpungeCriteria;
import java.time.Instant;
import java.util.List;
import dev.poplar.storage.MailboxStats;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin API under /api (docs/admin-api.md). Every request needs
 * {@code Authorization: Bearer <token>} with the token from the data directory.
 */
public final class AdminRoutes implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("dev.poplar.http");

    private final AdminOperations admin;
    private final byte[] token;
    private final long maxMessageSize;

    public AdminRoutes(AdminOperations admin, String token, long maxMessageSize) {
        this.admin = admin;
        this.maxMessageSize = maxMessageSize;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Action {
        Object run(ServerRequest req) throws AdminException, IOException;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users", guarded(req -> Map.of("users", admin.listUsers())))
                .post("/users/import", guarded(req -> {
                    if (!req.content().hasEntity()) {
                        throw invalid("send the user file as the body: one 'name password' per line");
                    }
                    String hashed = req.query().first("hashed").orElse("false");
                    if (!hashed.equals("true") && !hashed.equals("false")) {
                        throw invalid("hashed must be true or false");
                    }
                    AdminOperations.ImportResult r = admin.importUsers(req.content().as(String.class), hashed.equals("true"));
                    return Map.of("created", r.created(), "updated", r.updated(), "unchanged", r.unchanged());
                }))
                .post("/users", guarded(req -> {
                    JsonNode body = body(req, "name", "password");
                    admin.addUser(text(body, "name"), text(body, "password"));
                    return Map.of("created", text(body, "name"));
                }))
                .put("/users/{name}/password", guarded(req -> {
                    admin.setPassword(name(req), text(body(req, "password"), "password"));
                    return Map.of("updated", name(req));
                }))
                .delete("/users/{name}", guarded(req -> {
                    admin.deleteUser(name(req));
                    return Map.of("deleted", name(req));
                }))
                .post("/users/{name}/app-passwords", guarded(req -> {
                    String label = text(body(req, "label"), "label");
                    return Map.of("label", label, "password", admin.addAppPassword(name(req), label));
                }))
                .get("/users/{name}/app-passwords", guarded(req -> Map.of("app_passwords",
                        admin.appPasswords(name(req)).stream().map(a -> Map.of("label", a.label(),
                                "created", a.created().toString())).toList())))
                .delete("/users/{name}/app-passwords/{label}", guarded(req -> {
                    admin.revokeAppPassword(name(req), req.path().pathParameters().get("label"));
                    return Map.of("revoked", req.path().pathParameters().get("label"));
                }))
                .put("/users/{name}/apop-secret", guarded(req -> {
                    admin.setApopSecret(name(req), text(body(req, "secret"), "secret"));
                    return Map.of("updated", name(req));
                }))
                .delete("/users/{name}/apop-secret", guarded(req -> {
                    admin.setApopSecret(name(req), null);
                    return Map.of("removed", name(req));
                }))
                .post("/mailboxes/{name}/messages", guarded(req -> {
                    // Streamed: a body over the limit is refused when it crosses it, unread beyond.
                    if (req.headers().contentLength().orElse(0) > maxMessageSize) {
                        throw new AdminException(AdminException.Kind.TOO_LARGE, "the message ("
                                + req.headers().contentLength().getAsLong() + " bytes) exceeds poplar.lmtp.max-message-size ("
                                + maxMessageSize + " octets); nothing was delivered");
                    }
                    java.io.InputStream in = req.content().hasEntity() ? req.content().inputStream()
                            : java.io.InputStream.nullInputStream();
                    return Map.of("uid", admin.deliver(name(req), in));
                }))
                .get("/mailboxes/{name}", guarded(req -> stats(admin.stats(name(req)))))
                .post("/mailboxes/{name}/migrate", guarded(req -> {
                    AdminOperations.MigrationBatch r = admin.migrate(name(req), migrated(body(req, "messages")));
                    return Map.of("stored", r.stored(), "already", r.alreadyThere());
                }))
                .get("/mailboxes/{name}/messages", guarded(req -> {
                    boolean digests = req.query().first("digests").orElse("false").equals("true");
                    List<Map<String, Object>> list = new java.util.ArrayList<>();
                    for (AdminOperations.MessageSummary m : admin.messages(name(req), digests)) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("uidl", m.uidl());
                        e.put("octets", m.octets());
                        e.put("sha256", m.sha256());
                        list.add(e);
                    }
                    return Map.of("messages", list);
                }))
                .post("/mailboxes/{name}/expunge", guarded(req -> {
                    ExpungeCriteria.Result r = admin.expunge(name(req), criteria(body(req, EXPUNGE_FIELDS)));
                    return Map.of("messages", r.messages(), "octets", r.octets());
                }))
                .get("/sessions", guarded(req -> Map.of("sessions", admin.who().stream().map(AdminRoutes::session).toList())))
                .delete("/sessions/{id}", guarded(req -> Map.of("kicked", admin.kick(null, req.path().pathParameters().get("id")))))
                .post("/sessions/kick", guarded(req -> Map.of("kicked", admin.kick(text(body(req, "user"), "user"), null))))
                .post("/drain", guarded(req -> drain(admin.drain())))
                .post("/backup", guarded(req -> {
                    String dir = text(body(req, "dir"), "dir");
                    return Map.of("dir", dir, "accounts", admin.backup(dir));
                }));
    }

    private io.helidon.webserver.http.Handler guarded(Action action) {
        return (req, res) -> {
            if (!authorized(req)) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"poplar\"");
                reply(res, 401, Map.of("error", "missing or wrong admin token (see data-dir/admin-token)"));
                return;
            }
            try {
                reply(res, 200, action.run(req));
            } catch (AdminException e) {
                reply(res, e.kind().httpStatus, Map.of("error", e.getMessage()));
            } catch (JsonProcessingException e) {
                // Jackson's own message quotes the source and its internals: say only what and where.
                var at = e.getLocation();
                reply(res, 400, Map.of("error", "the body is not valid JSON" + (at == null ? ""
                        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                        + "; send a JSON object such as {\"name\":\"alice\"}"));
            } catch (IOException e) {
                reply(res, 400, Map.of("error", "cannot read the request body: " + e.getMessage()));
            } catch (RuntimeException e) {
                // A bug, never bad input (AdminRoutesFuzzTest): logged with its trace under an id the
                // answer repeats, so the operator can find it; the client learns nothing internal.
                String id = Long.toString(System.nanoTime(), 36);
                LOG.log(System.Logger.Level.ERROR, "admin API " + req.prologue().method() + " " + req.path().path()
                        + " failed, error id " + id, e);
                reply(res, 500, Map.of("error", "internal error, logged as " + id));
            }
        };
    }

    private boolean authorized(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }

    /** The request body: a JSON object with only {@code allowed} fields (a typo is an error, not ignored). */
    private static JsonNode body(ServerRequest req, String... allowed) throws IOException, AdminException {
        byte[] raw = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        JsonNode n = raw.length == 0 ? null : JSON.readTree(raw);
        if (n == null || !n.isObject()) {
            throw invalid("the body must be a JSON object with " + String.join(", ", allowed));
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of(allowed).contains(f)) {
                throw invalid("unknown field '" + f + "'; this request takes " + String.join(", ", allowed));
            }
        }
        return n;
    }

    private static String text(JsonNode body, String field) throws AdminException {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw invalid("field '" + field + "' (a string) is required");
        }
        return n.asText();
    }

    private static AdminException invalid(String message) {
        return new AdminException(AdminException.Kind.INVALID, message);
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    /** {"messages":[{"uidl":"...","received":epochMillis,"raw":"base64"}, ...]} */
    private static List<AdminOperations.MigratedMessage> migrated(JsonNode body) throws AdminException {
        JsonNode list = body.get("messages");
        if (list == null || !list.isArray()) {
            throw invalid("messages must be a list of {uidl, received, raw}");
        }
        List<AdminOperations.MigratedMessage> out = new java.util.ArrayList<>();
        for (JsonNode m : list) {
            if (!m.path("uidl").isTextual() || !m.path("received").canConvertToExactIntegral() || !m.path("raw").isTextual()) {
                throw invalid("each message needs uidl (text), received (milliseconds) and raw (base64)");
            }
            byte[] raw;
            try {
                raw = java.util.Base64.getDecoder().decode(m.get("raw").asText());
            } catch (IllegalArgumentException e) {
                throw invalid("raw must be base64");
            }
            long received = m.get("received").asLong();
            if (received < 0) {
                throw invalid("received must not be negative");
            }
            out.add(new AdminOperations.MigratedMessage(m.get("uidl").asText(), received, raw));
        }
        return out;
    }

    private static final String[] EXPUNGE_FIELDS = {"all", "uid", "older_than", "received_before", "larger_than"};

    /**
     * {"all":true} | {"uid":7} | {"older_than":"30d"} or {"received_before":"2026-01-31T00:00:00Z"} |
     * {"larger_than":"10M" or 10485760}; each field checked for its type and range.
     */
    private static ExpungeCriteria criteria(JsonNode b) throws AdminException {
        JsonNode all = b.get("all");
        if (all != null && !all.isBoolean()) {
            throw invalid("all must be true or false");
        }
        Long uid = null;
        if (b.has("uid")) {
            if (!b.get("uid").canConvertToExactIntegral() || !b.get("uid").canConvertToLong()) {
                throw invalid("uid must be a positive whole number");
            }
            uid = b.get("uid").asLong();
        }
        String larger = null;
        if (b.has("larger_than")) {
            JsonNode l = b.get("larger_than");
            if (!l.isTextual() && !(l.canConvertToExactIntegral() && l.canConvertToLong())) {
                throw invalid("larger_than must be a size such as \"10M\" or a number of bytes");
            }
            larger = l.asText();
        }
        if (b.has("older_than") && b.has("received_before")) {
            throw invalid("give older_than or received_before, not both");
        }
        boolean everything = all != null && all.booleanValue();
        if (b.has("received_before")) {
            JsonNode r = b.get("received_before");
            Instant before;
            try {
                before = Instant.parse(r.isTextual() ? r.asText() : "");
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid("received_before must be an ISO-8601 UTC instant such as 2026-01-31T00:00:00Z");
            }
            return ExpungeRequest.parseBefore(everything, uid, before, larger);
        }
        String older = null;
        if (b.has("older_than")) {
            if (!b.get("older_than").isTextual()) {
                throw invalid("older_than must be an age such as \"90d\"");
            }
            older = b.get("older_than").asText();
        }
        return ExpungeRequest.parse(everything, uid, older, larger);
    }

    private static Map<String, Object> session(SessionView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.id());
        m.put("listener", v.listener());
        m.put("user", v.user());
        m.put("ip", v.clientAddress());
        m.put("state", v.state());
        m.put("started", v.started().toString());
        m.put("bytes_in", v.bytesIn());
        m.put("bytes_out", v.bytesOut());
        return m;
    }

    private static Map<String, Object> drain(ServerControl.DrainStatus d) {
        return Map.of("draining", d.draining(), "sessions", d.sessions());
    }

    static Map<String, Object> stats(MailboxStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("messages", s.messages());
        m.put("octets", s.octets());
        m.put("next_uid", s.nextUid());
        m.put("epoch", s.epoch());
        return m;
    }

    static void reply(ServerResponse res, int status, Object body) {
        try {
            res.status(Status.create(status));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
