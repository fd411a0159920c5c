package dev.poplar.admin;

import dev.poplar.admin.AdminApi.Endpoint;
import dev.poplar.net.SessionView;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailboxStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Admin operations through a running server's HTTP admin API (see docs/cli.md): each one is a
 * call of an {@link AdminApi} endpoint with its request record, answered by its response record.
 */
public final class HttpAdminClient implements AdminOperations {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt on every request
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final String token;

    public HttpAdminClient(String baseUrl, String token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    @Override
    public void addUser(String name, String password) throws AdminException {
        call(AdminApi.ADD_USER, new AdminApi.NewUser(name, password));
    }

    @Override
    public void setPassword(String name, String password) throws AdminException {
        call(AdminApi.SET_PASSWORD, new AdminApi.NewPassword(password), name);
    }

    @Override
    public void deleteUser(String name) throws AdminException {
        call(AdminApi.DELETE_USER, null, name);
    }

    @Override
    public Page<String> listUsers(String prefix, String after, int limit) throws AdminException {
        AdminApi.UserList page =
                send(AdminApi.LIST_USERS, pageQuery(prefix, after, limit), HttpRequest.BodyPublishers.noBody());
        return new Page<>(page.users(), page.next());
    }

    @Override
    public Page<MailboxStats> mailboxes(String prefix, String after, int limit) throws AdminException {
        AdminApi.MailboxList page =
                send(AdminApi.LIST_MAILBOXES, pageQuery(prefix, after, limit), HttpRequest.BodyPublishers.noBody());
        return new Page<>(page.mailboxes(), page.next());
    }

    @Override
    public NodeSummary summary(int top) throws AdminException {
        return send(AdminApi.SUMMARY, "?top=" + top, HttpRequest.BodyPublishers.noBody());
    }

    @Override
    public dev.poplar.retention.MailboxSweep.Result sweep() throws AdminException {
        return call(AdminApi.SWEEP, null);
    }

    @Override
    public void setLimits(String name, LimitChange change) throws AdminException {
        call(AdminApi.SET_LIMITS, AdminApi.LimitsBody.of(change), name);
    }

    private static String pageQuery(String prefix, String after, int limit) {
        StringBuilder q = new StringBuilder("?limit=").append(limit);
        if (prefix != null && !prefix.isEmpty()) {
            q.append("&prefix=").append(java.net.URLEncoder.encode(prefix, StandardCharsets.UTF_8));
        }
        if (after != null) {
            q.append("&after=").append(java.net.URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    @Override
    public ImportResult importUsers(String fileContent, boolean hashed, boolean skipExisting) throws AdminException {
        AdminApi.ImportCounts n = send(
                AdminApi.IMPORT_USERS,
                "?hashed=" + hashed + "&skip_existing=" + skipExisting,
                HttpRequest.BodyPublishers.ofString(fileContent, StandardCharsets.UTF_8));
        return new ImportResult(n.created(), n.updated(), n.unchanged());
    }

    /** Streams the message to the server, which refuses it as soon as it is over the limit. */
    @Override
    public long deliver(String name, java.io.InputStream message) throws AdminException {
        return send(AdminApi.DELIVER, "", HttpRequest.BodyPublishers.ofInputStream(() -> message), name)
                .uid();
    }

    @Override
    public MigrationBatch migrate(String name, List<MigratedMessage> messages) throws AdminException {
        AdminApi.Migrated n = call(AdminApi.MIGRATE, AdminApi.MigrateRequest.of(messages), name);
        return new MigrationBatch(n.stored(), n.already());
    }

    @Override
    public List<MessageSummary> messages(String name, boolean digests) throws AdminException {
        return send(AdminApi.MESSAGES, "?digests=" + digests, HttpRequest.BodyPublishers.noBody(), name)
                .messages();
    }

    @Override
    public MailboxStats stats(String name) throws AdminException {
        return call(AdminApi.STATS, null, name);
    }

    @Override
    public String addAppPassword(String name, String label) throws AdminException {
        return call(AdminApi.ADD_APP_PASSWORD, new AdminApi.NewAppPassword(label), name)
                .password();
    }

    @Override
    public List<AppPasswordInfo> appPasswords(String name) throws AdminException {
        return call(AdminApi.LIST_APP_PASSWORDS, null, name).appPasswords().stream()
                .map(AdminApi.AppPasswordEntry::info)
                .toList();
    }

    @Override
    public void revokeAppPassword(String name, String label) throws AdminException {
        call(AdminApi.REVOKE_APP_PASSWORD, null, name, label);
    }

    @Override
    public long backup(String dir) throws AdminException {
        // A name is resolved by the server, under its poplar.backup-root.
        return call(AdminApi.BACKUP, new AdminApi.BackupRequest(dir)).accounts();
    }

    @Override
    public void setApopSecret(String name, String secret) throws AdminException {
        if (secret == null) {
            call(AdminApi.REMOVE_APOP_SECRET, null, name);
        } else {
            call(AdminApi.SET_APOP_SECRET, new AdminApi.NewApopSecret(secret), name);
        }
    }

    @Override
    public ExpungeCriteria.Result expunge(String name, ExpungeCriteria c) throws AdminException {
        return call(AdminApi.EXPUNGE, AdminApi.ExpungeBody.of(c), name);
    }

    @Override
    public List<SessionView> who() throws AdminException {
        return call(AdminApi.SESSIONS, null).sessions().stream()
                .map(AdminApi.SessionEntry::view)
                .toList();
    }

    @Override
    public int kick(String user, String sessionId) throws AdminException {
        if (sessionId != null) {
            return call(AdminApi.KICK_SESSION, null, sessionId).kicked();
        }
        return call(AdminApi.KICK_USER, new AdminApi.KickUser(user == null ? "" : user))
                .kicked();
    }

    @Override
    public int flushDirectoryCache(String user) throws AdminException {
        return call(AdminApi.FLUSH_DIRECTORY_CACHE, new AdminApi.FlushCache(user))
                .flushed();
    }

    @Override
    public ServerControl.DrainStatus drain() throws AdminException {
        return call(AdminApi.DRAIN, null);
    }

    @Override
    public void close() {
        http.close();
    }

    /** Calls an endpoint with its JSON request record (null for none). */
    private <Q, R> R call(Endpoint<Q, R> endpoint, Q request, String... pathValues) throws AdminException {
        return send(
                endpoint,
                "",
                request == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(AdminJson.write(request)),
                pathValues);
    }

    /** Calls an endpoint with any body; maps the error answer to the {@link AdminException} of its status. */
    private <R> R send(Endpoint<?, R> endpoint, String query, HttpRequest.BodyPublisher body, String... pathValues)
            throws AdminException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api" + endpoint.fill(pathValues) + query))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token)
                .method(endpoint.method(), body)
                .build();
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AdminException(
                    AdminException.Kind.UNAVAILABLE,
                    "cannot reach the Poplar server at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted");
        }
        if (res.statusCode() >= 300) {
            String message = AdminJson.error(res.body());
            throw new AdminException(
                    AdminException.Kind.ofHttpStatus(res.statusCode()),
                    message != null ? message : "HTTP " + res.statusCode());
        }
        try {
            return AdminJson.readResponse(res.body(), endpoint.response());
        } catch (IOException e) {
            throw new AdminException(
                    AdminException.Kind.FAILED,
                    "server answered HTTP " + res.statusCode() + " with a body that is not the expected JSON");
        }
    }
}
