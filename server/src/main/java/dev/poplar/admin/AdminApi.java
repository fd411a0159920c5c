package dev.poplar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.poplar.net.SessionView;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailboxStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The admin API (docs/admin-api.md) as types: every endpoint with its method, path and the records
 * its request and response bodies bind to. The HTTP routes ({@code http.AdminRoutes}) and the HTTP
 * client ({@link HttpAdminClient}) both use these, so a JSON field name is written once, as a
 * record component (snake_case on the wire, {@link AdminJson}).
 */
public final class AdminApi {
    private AdminApi() {}

    /**
     * One endpoint. {@code request} is {@link NoBody} for a request without a JSON body (a GET, a
     * DELETE, or a body that is not JSON: the user file, a raw message).
     */
    public record Endpoint<Q, R>(String method, String path, Class<Q> request, Class<R> response) {
        /** The path with its {name} placeholders filled in order, each URL-encoded. */
        public String fill(String... values) {
            String p = path;
            for (String v : values) {
                int open = p.indexOf('{');
                int close = p.indexOf('}', open);
                p = p.substring(0, open)
                        + java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("+", "%20")
                        + p.substring(close + 1);
            }
            return p;
        }
    }

    /** No JSON request body. */
    public record NoBody() {}

    // ---- request bodies: every String component is a required string ----

    public record NewUser(String name, String password) {}

    public record NewPassword(String password) {}

    public record NewAppPassword(String label) {}

    public record NewApopSecret(String secret) {}

    public record KickUser(String user) {}

    public record BackupRequest(String dir) {}

    /**
     * {"messages":[{"uidl":"...","received":epochMillis,"raw":"base64"}, ...]}: checked by
     * {@link #checked()}, so each problem gets its own message.
     */
    public record MigrateRequest(JsonNode messages) {
        public static MigrateRequest of(List<AdminOperations.MigratedMessage> list) {
            var array = JsonNodeFactory.instance.arrayNode();
            for (AdminOperations.MigratedMessage m : list) {
                array.addObject()
                        .put("uidl", m.uidl())
                        .put("received", m.receivedMillis())
                        .put("raw", Base64.getEncoder().encodeToString(m.raw()));
            }
            return new MigrateRequest(array);
        }

        public List<AdminOperations.MigratedMessage> checked() throws AdminException {
            JsonNode list = messages;
            if (list == null || !list.isArray()) {
                throw invalid("messages must be a list of {uidl, received, raw}");
            }
            List<AdminOperations.MigratedMessage> out = new ArrayList<>();
            for (JsonNode m : list) {
                if (!m.path("uidl").isTextual()
                        || !m.path("received").canConvertToExactIntegral()
                        || !m.path("raw").isTextual()) {
                    throw invalid("each message needs uidl (text), received (milliseconds) and raw (base64)");
                }
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(m.get("raw").asText());
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
    }

    /**
     * {"all":true} | {"uid":7} | {"older_than":"30d"} or {"received_before":"2026-01-31T00:00:00Z"} |
     * {"larger_than":"10M" or 10485760}: several shapes per field, so each is checked by
     * {@link #criteria()} for its type and range.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ExpungeBody(
            JsonNode all, JsonNode uid, JsonNode olderThan, JsonNode receivedBefore, JsonNode largerThan) {
        public static ExpungeBody of(ExpungeCriteria c) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            return new ExpungeBody(
                    f.booleanNode(c.all()),
                    c.uid().isPresent() ? f.numberNode(c.uid().getAsLong()) : null,
                    null,
                    c.receivedBefore()
                            .map(t -> (JsonNode) f.textNode(t.toString()))
                            .orElse(null),
                    c.largerThan().isPresent() ? f.numberNode(c.largerThan().getAsLong()) : null);
        }

        public ExpungeCriteria criteria() throws AdminException {
            if (all != null && !all.isBoolean()) {
                throw invalid("all must be true or false");
            }
            Long id = null;
            if (uid != null) {
                if (!uid.canConvertToExactIntegral() || !uid.canConvertToLong()) {
                    throw invalid("uid must be a positive whole number");
                }
                id = uid.asLong();
            }
            String larger = null;
            if (largerThan != null) {
                if (!largerThan.isTextual()
                        && !(largerThan.canConvertToExactIntegral() && largerThan.canConvertToLong())) {
                    throw invalid("larger_than must be a size such as \"10M\" or a number of bytes");
                }
                larger = largerThan.asText();
            }
            if (olderThan != null && receivedBefore != null) {
                throw invalid("give older_than or received_before, not both");
            }
            boolean everything = all != null && all.booleanValue();
            if (receivedBefore != null) {
                Instant before;
                try {
                    before = Instant.parse(receivedBefore.isTextual() ? receivedBefore.asText() : "");
                } catch (java.time.format.DateTimeParseException e) {
                    throw invalid("received_before must be an ISO-8601 UTC instant such as 2026-01-31T00:00:00Z");
                }
                return ExpungeRequest.parseBefore(everything, id, before, larger);
            }
            String older = null;
            if (olderThan != null) {
                if (!olderThan.isTextual()) {
                    throw invalid("older_than must be an age such as \"90d\"");
                }
                older = olderThan.asText();
            }
            return ExpungeRequest.parse(everything, id, older, larger);
        }
    }

    /**
     * {"quota_size":"2G","quota_messages":10000,"retention":"90d"}: every field optional (absent:
     * unchanged), a string or a whole number; checked by {@link #change()}.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record LimitsBody(JsonNode quotaSize, JsonNode quotaMessages, JsonNode retention) {
        public static LimitsBody of(AdminOperations.LimitChange c) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            return new LimitsBody(
                    c.quotaSize() == null ? null : f.textNode(c.quotaSize()),
                    c.quotaMessages() == null ? null : f.textNode(c.quotaMessages()),
                    c.retention() == null ? null : f.textNode(c.retention()));
        }

        public AdminOperations.LimitChange change() throws AdminException {
            return new AdminOperations.LimitChange(
                    text(quotaSize, "quota_size"), text(quotaMessages, "quota_messages"), text(retention, "retention"));
        }

        private static String text(JsonNode v, String field) throws AdminException {
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                return v.asText();
            }
            if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
                return Long.toString(v.asLong()); // range checked with the words
            }
            throw invalid(field + " must be a string such as \"2G\", \"90d\", \"none\" or \"default\"");
        }
    }

    // ---- response bodies ----

    /** Every error answer: {"error": "what went wrong and what to do"}. */
    public record Problem(String error) {}

    /** One page of user names; {@code next} is the {@code after} of the next page, null at the end. */
    public record UserList(List<String> users, String next) {}

    /** One page of mailboxes with counters and limits (resolved); {@code next} as in {@link UserList}. */
    public record MailboxList(List<MailboxStats> mailboxes, String next) {}

    public record Created(String created) {}

    public record Updated(String updated) {}

    public record Deleted(String deleted) {}

    public record Removed(String removed) {}

    public record Revoked(String revoked) {}

    public record ImportCounts(int created, int updated, int unchanged) {}

    public record AppPasswordCreated(String label, String password) {}

    public record AppPasswordEntry(String label, String created) {
        public static AppPasswordEntry of(AdminOperations.AppPasswordInfo info) {
            return new AppPasswordEntry(info.label(), info.created().toString());
        }

        public AdminOperations.AppPasswordInfo info() {
            return new AdminOperations.AppPasswordInfo(label, Instant.parse(created));
        }
    }

    public record AppPasswordList(List<AppPasswordEntry> appPasswords) {}

    public record Uid(long uid) {}

    public record Migrated(int stored, int already) {}

    public record MessageList(List<AdminOperations.MessageSummary> messages) {}

    public record SessionEntry(
            String id,
            String listener,
            String user,
            String ip,
            String state,
            String started,
            long bytesIn,
            long bytesOut) {
        public static SessionEntry of(SessionView v) {
            return new SessionEntry(
                    v.id(),
                    v.listener(),
                    v.user(),
                    v.clientAddress(),
                    v.state(),
                    v.started().toString(),
                    v.bytesIn(),
                    v.bytesOut());
        }

        public SessionView view() {
            return new SessionView(id, listener, user, ip, state, Instant.parse(started), bytesIn, bytesOut);
        }
    }

    public record SessionList(List<SessionEntry> sessions) {}

    public record Kicked(int kicked) {}

    /** {@code user} null: every entry. */
    public record FlushCache(String user) {}

    public record Flushed(int flushed) {}

    public record BackupDone(String dir, long accounts) {}

    // ---- the endpoints, under /api ----

    /** ?prefix=&after=&limit= (1 to 10,000, default 1,000). */
    public static final Endpoint<NoBody, UserList> LIST_USERS = get("/users", UserList.class);
    /** ?prefix=&after=&limit= as {@link #LIST_USERS}. */
    public static final Endpoint<NoBody, MailboxList> LIST_MAILBOXES = get("/mailboxes", MailboxList.class);
    /** ?top=N (default 10): node totals and the N largest mailboxes. */
    public static final Endpoint<NoBody, AdminOperations.NodeSummary> SUMMARY =
            get("/summary", AdminOperations.NodeSummary.class);

    public static final Endpoint<NoBody, dev.poplar.retention.MailboxSweep.Result> SWEEP =
            new Endpoint<>("POST", "/sweep", NoBody.class, dev.poplar.retention.MailboxSweep.Result.class);
    /** Each field optional: {"quota_size":"2G","quota_messages":"none","retention":"90d"}. */
    public static final Endpoint<LimitsBody, Updated> SET_LIMITS =
            new Endpoint<>("PUT", "/users/{name}/limits", LimitsBody.class, Updated.class);

    public static final Endpoint<NewUser, Created> ADD_USER =
            new Endpoint<>("POST", "/users", NewUser.class, Created.class);
    /** The body is the user file (text), not JSON; ?hashed=true for imported hashes. */
    public static final Endpoint<NoBody, ImportCounts> IMPORT_USERS =
            new Endpoint<>("POST", "/users/import", NoBody.class, ImportCounts.class);

    public static final Endpoint<NewPassword, Updated> SET_PASSWORD =
            new Endpoint<>("PUT", "/users/{name}/password", NewPassword.class, Updated.class);
    public static final Endpoint<NoBody, Deleted> DELETE_USER =
            new Endpoint<>("DELETE", "/users/{name}", NoBody.class, Deleted.class);
    public static final Endpoint<NewAppPassword, AppPasswordCreated> ADD_APP_PASSWORD =
            new Endpoint<>("POST", "/users/{name}/app-passwords", NewAppPassword.class, AppPasswordCreated.class);
    public static final Endpoint<NoBody, AppPasswordList> LIST_APP_PASSWORDS =
            get("/users/{name}/app-passwords", AppPasswordList.class);
    public static final Endpoint<NoBody, Revoked> REVOKE_APP_PASSWORD =
            new Endpoint<>("DELETE", "/users/{name}/app-passwords/{label}", NoBody.class, Revoked.class);
    public static final Endpoint<NewApopSecret, Updated> SET_APOP_SECRET =
            new Endpoint<>("PUT", "/users/{name}/apop-secret", NewApopSecret.class, Updated.class);
    public static final Endpoint<NoBody, Removed> REMOVE_APOP_SECRET =
            new Endpoint<>("DELETE", "/users/{name}/apop-secret", NoBody.class, Removed.class);
    /** The body is the raw message, streamed. */
    public static final Endpoint<NoBody, Uid> DELIVER =
            new Endpoint<>("POST", "/mailboxes/{name}/messages", NoBody.class, Uid.class);

    public static final Endpoint<NoBody, MailboxStats> STATS = get("/mailboxes/{name}", MailboxStats.class);
    public static final Endpoint<MigrateRequest, Migrated> MIGRATE =
            new Endpoint<>("POST", "/mailboxes/{name}/migrate", MigrateRequest.class, Migrated.class);
    /** ?digests=true adds SHA-256 digests. */
    public static final Endpoint<NoBody, MessageList> MESSAGES = get("/mailboxes/{name}/messages", MessageList.class);

    public static final Endpoint<ExpungeBody, ExpungeCriteria.Result> EXPUNGE =
            new Endpoint<>("POST", "/mailboxes/{name}/expunge", ExpungeBody.class, ExpungeCriteria.Result.class);
    public static final Endpoint<NoBody, SessionList> SESSIONS = get("/sessions", SessionList.class);
    public static final Endpoint<NoBody, Kicked> KICK_SESSION =
            new Endpoint<>("DELETE", "/sessions/{id}", NoBody.class, Kicked.class);
    public static final Endpoint<KickUser, Kicked> KICK_USER =
            new Endpoint<>("POST", "/sessions/kick", KickUser.class, Kicked.class);
    public static final Endpoint<FlushCache, Flushed> FLUSH_DIRECTORY_CACHE =
            new Endpoint<>("POST", "/directory/cache/flush", FlushCache.class, Flushed.class);
    public static final Endpoint<NoBody, ServerControl.DrainStatus> DRAIN =
            new Endpoint<>("POST", "/drain", NoBody.class, ServerControl.DrainStatus.class);
    public static final Endpoint<BackupRequest, BackupDone> BACKUP =
            new Endpoint<>("POST", "/backup", BackupRequest.class, BackupDone.class);

    private static <R> Endpoint<NoBody, R> get(String path, Class<R> response) {
        return new Endpoint<>("GET", path, NoBody.class, response);
    }

    static AdminException invalid(String message) {
        return new AdminException(AdminException.Kind.INVALID, message);
    }
}
