package dev.poplar.http;

import dev.poplar.admin.AdminApi;
import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminJson;
import dev.poplar.admin.AdminOperations;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API under /api (docs/admin-api.md). Every request needs
 * {@code Authorization: Bearer <token>} with the token from the data directory.
 */
public final class AdminRoutes implements HttpService {
    private static final System.Logger LOG = System.getLogger("dev.poplar.http");

    private final AdminOperations admin;
    private final byte[] token;
    private final long maxMessageSize;
    private final long maxJsonBody;

    public AdminRoutes(AdminOperations admin, String token, long maxMessageSize) {
        this.admin = admin;
        this.maxMessageSize = maxMessageSize;
        // The largest JSON request is a migration batch: 4 MiB of messages plus the one that
        // crossed it, base64-encoded (4/3), with room for the JSON around them.
        this.maxJsonBody = ((4L << 20) + maxMessageSize) * 4 / 3 + (1L << 20);
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Action {
        Object run(ServerRequest req) throws AdminException, IOException;
    }

    /** What an endpoint does with its request: the path, the query and the body as its record. */
    @FunctionalInterface
    private interface Operation<Q, R> {
        R run(ServerRequest req, Q body) throws AdminException, IOException;
    }

    @Override
    public void routing(HttpRules rules) {
        route(rules, AdminApi.LIST_USERS, (req, b) -> {
            AdminOperations.Page<String> page =
                    admin.listUsers(query(req, "prefix", ""), query(req, "after", null), limit(req));
            return new AdminApi.UserList(page.items(), page.next());
        });
        route(rules, AdminApi.LIST_MAILBOXES, (req, b) -> {
            AdminOperations.Page<dev.poplar.storage.MailboxStats> page =
                    admin.mailboxes(query(req, "prefix", ""), query(req, "after", null), limit(req));
            return new AdminApi.MailboxList(page.items(), page.next());
        });
        route(rules, AdminApi.SUMMARY, (req, b) -> admin.summary(number(req, "top", 10)));
        route(rules, AdminApi.SWEEP, (req, b) -> admin.sweep());
        route(rules, AdminApi.SET_LIMITS, (req, b) -> {
            admin.setLimits(name(req), b.change());
            return new AdminApi.Updated(name(req));
        });
        route(rules, AdminApi.IMPORT_USERS, (req, b) -> {
            if (!req.content().hasEntity()) {
                throw invalid("send the user file as the body: one 'name password' per line");
            }
            AdminOperations.ImportResult r =
                    admin.importUsers(userFileBody(req), flag(req, "hashed"), flag(req, "skip_existing"));
            return new AdminApi.ImportCounts(r.created(), r.updated(), r.unchanged());
        });
        route(rules, AdminApi.ADD_USER, (req, b) -> {
            admin.addUser(b.name(), b.password());
            return new AdminApi.Created(b.name());
        });
        route(rules, AdminApi.SET_PASSWORD, (req, b) -> {
            admin.setPassword(name(req), b.password());
            return new AdminApi.Updated(name(req));
        });
        route(rules, AdminApi.DELETE_USER, (req, b) -> {
            admin.deleteUser(name(req));
            return new AdminApi.Deleted(name(req));
        });
        route(
                rules,
                AdminApi.ADD_APP_PASSWORD,
                (req, b) -> new AdminApi.AppPasswordCreated(b.label(), admin.addAppPassword(name(req), b.label())));
        route(
                rules,
                AdminApi.LIST_APP_PASSWORDS,
                (req, b) -> new AdminApi.AppPasswordList(admin.appPasswords(name(req)).stream()
                        .map(AdminApi.AppPasswordEntry::of)
                        .toList()));
        route(rules, AdminApi.REVOKE_APP_PASSWORD, (req, b) -> {
            admin.revokeAppPassword(name(req), param(req, "label"));
            return new AdminApi.Revoked(param(req, "label"));
        });
        route(rules, AdminApi.SET_APOP_SECRET, (req, b) -> {
            admin.setApopSecret(name(req), b.secret());
            return new AdminApi.Updated(name(req));
        });
        route(rules, AdminApi.REMOVE_APOP_SECRET, (req, b) -> {
            admin.setApopSecret(name(req), null);
            return new AdminApi.Removed(name(req));
        });
        route(rules, AdminApi.DELIVER, (req, b) -> {
            // Streamed: a body over the limit is refused when it crosses it, unread beyond.
            if (req.headers().contentLength().orElse(0) > maxMessageSize) {
                throw new AdminException(
                        AdminException.Kind.TOO_LARGE,
                        "the message ("
                                + req.headers().contentLength().getAsLong()
                                + " bytes) exceeds poplar.lmtp.max-message-size ("
                                + maxMessageSize + " octets); nothing was delivered");
            }
            java.io.InputStream in =
                    req.content().hasEntity() ? req.content().inputStream() : java.io.InputStream.nullInputStream();
            return new AdminApi.Uid(admin.deliver(name(req), in));
        });
        route(rules, AdminApi.STATS, (req, b) -> admin.stats(name(req)));
        route(rules, AdminApi.MIGRATE, (req, b) -> {
            AdminOperations.MigrationBatch r = admin.migrate(name(req), b.checked());
            return new AdminApi.Migrated(r.stored(), r.alreadyThere());
        });
        route(
                rules,
                AdminApi.MESSAGES,
                (req, b) -> new AdminApi.MessageList(admin.messages(
                        name(req), req.query().first("digests").orElse("false").equals("true"))));
        route(rules, AdminApi.EXPUNGE, (req, b) -> admin.expunge(name(req), b.criteria()));
        route(
                rules,
                AdminApi.SESSIONS,
                (req, b) -> new AdminApi.SessionList(
                        admin.who().stream().map(AdminApi.SessionEntry::of).toList()));
        route(rules, AdminApi.KICK_SESSION, (req, b) -> new AdminApi.Kicked(admin.kick(null, param(req, "id"))));
        route(rules, AdminApi.KICK_USER, (req, b) -> new AdminApi.Kicked(admin.kick(b.user(), null)));
        route(rules, AdminApi.DRAIN, (req, b) -> admin.drain());
        route(
                rules,
                AdminApi.FLUSH_DIRECTORY_CACHE,
                (req, b) -> new AdminApi.Flushed(admin.flushDirectoryCache(b == null ? null : b.user())));
        route(rules, AdminApi.BACKUP, (req, b) -> new AdminApi.BackupDone(b.dir(), admin.backup(b.dir())));
    }

    /** Registers an endpoint: its JSON body (if it takes one) is read into its record before the operation runs. */
    private <Q, R> void route(HttpRules rules, AdminApi.Endpoint<Q, R> endpoint, Operation<Q, R> operation) {
        io.helidon.webserver.http.Handler handler = guarded(req -> operation.run(
                req,
                endpoint.request() == AdminApi.NoBody.class
                        ? null
                        : AdminJson.readRequest(
                                req.content().hasEntity()
                                        ? boundedBody(req, maxJsonBody, this::jsonTooLarge)
                                        : new byte[0],
                                endpoint.request())));
        switch (endpoint.method()) {
            case "GET" -> rules.get(endpoint.path(), handler);
            case "POST" -> rules.post(endpoint.path(), handler);
            case "PUT" -> rules.put(endpoint.path(), handler);
            case "DELETE" -> rules.delete(endpoint.path(), handler);
            default -> throw new IllegalArgumentException("no such HTTP method " + endpoint.method());
        }
    }

    private io.helidon.webserver.http.Handler guarded(Action action) {
        return (req, res) -> {
            if (!authorized(req)) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"poplar\"");
                reply(res, 401, new AdminApi.Problem("missing or wrong admin token (see data-dir/admin-token)"));
                return;
            }
            try {
                reply(res, 200, action.run(req));
            } catch (AdminException e) {
                reply(res, e.kind().httpStatus, new AdminApi.Problem(e.getMessage()));
            } catch (IOException e) {
                reply(res, 400, new AdminApi.Problem("cannot read the request body: " + e.getMessage()));
            } catch (RuntimeException e) {
                // A bug, never bad input (AdminRoutesFuzzTest): logged with its trace under an id the
                // answer repeats, so the operator can find it; the client learns nothing internal.
                String id = Long.toString(System.nanoTime(), 36);
                LOG.log(
                        System.Logger.Level.ERROR,
                        "admin API " + req.prologue().method() + " "
                                + req.path().path() + " failed, error id " + id,
                        e);
                reply(res, 500, new AdminApi.Problem("internal error, logged as " + id));
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

    private static AdminException invalid(String message) {
        return new AdminException(AdminException.Kind.INVALID, message);
    }

    private static String query(ServerRequest req, String name, String dflt) {
        return req.query().first(name).orElse(dflt);
    }

    /**
     * The most a user-file body may hold: 10,000 users (the CLI's largest batch) of long
     * passwd-file lines fit with room to spare; more is refused before it is read whole.
     */
    private static final int MAX_USER_FILE = 16 << 20;

    private static String userFileBody(ServerRequest req) throws AdminException, IOException {
        return new String(boundedBody(req, MAX_USER_FILE, AdminRoutes::tooManyUsers), StandardCharsets.UTF_8);
    }

    /** The body, refused with {@code tooLarge} past {@code limit} bytes, from its length or as it is read. */
    private static byte[] boundedBody(
            ServerRequest req, long limit, java.util.function.Supplier<AdminException> tooLarge)
            throws AdminException, IOException {
        if (req.headers().contentLength().orElse(0) > limit) {
            throw tooLarge.get();
        }
        try (java.io.InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw tooLarge.get();
            }
            return body;
        }
    }

    private AdminException jsonTooLarge() {
        return new AdminException(
                AdminException.Kind.TOO_LARGE,
                "the JSON body is over " + (maxJsonBody >> 20) + " MiB; a migration batch carries at most 4 MiB "
                        + "and one message (poplar.lmtp.max-message-size), base64-encoded");
    }

    private static AdminException tooManyUsers() {
        return new AdminException(
                AdminException.Kind.TOO_LARGE,
                "the user file is over " + (MAX_USER_FILE >> 20) + " MiB: send at most 10000 users per request "
                        + "(poplar user import sends batches)");
    }

    private static boolean flag(ServerRequest req, String name) throws AdminException {
        String v = query(req, name, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(name + " must be true or false");
        }
        return v.equals("true");
    }

    private static int limit(ServerRequest req) throws AdminException {
        return number(req, "limit", 1000);
    }

    /** A whole-number query parameter; the range is checked by the operation. */
    private static int number(ServerRequest req, String name, int dflt) throws AdminException {
        String v = query(req, name, null);
        if (v == null) {
            return dflt;
        }
        if (!v.matches("[0-9]{1,9}")) {
            throw invalid(name + " must be a whole number, not '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    private static String name(ServerRequest req) {
        return param(req, "name");
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    static void reply(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(AdminJson.write(body));
    }
}
