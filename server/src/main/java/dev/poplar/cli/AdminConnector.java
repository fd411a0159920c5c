package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.HttpAdminClient;
import dev.poplar.admin.LocalAdmin;
import dev.poplar.admin.ServerControl;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.config.PoplarConfig;
import dev.poplar.server.DataDirectory;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.util.Optional;
import java.util.Properties;

/**
 * Chooses how a CLI command reaches the store: when no process holds the data directory, it
 * claims it and opens the store itself; when a server holds it, it uses that server's admin API
 * (address from the lock file, token from the data directory).
 */
final class AdminConnector {
    private AdminConnector() {}

    static AdminOperations connect(PoplarConfig config) throws AdminException {
        DataDirectory data = DataDirectory.of(config);
        try {
            Optional<DataDirectory.Claim> claim = data.tryClaim();
            if (claim.isPresent()) {
                return offline(config, data, claim.get());
            }
            Properties holder = awaitStarted(data);
            String url = holder.getProperty("http", "");
            String pid = holder.getProperty("pid", "?");
            switch (holder.getProperty("state", "starting")) {
                case "starting" ->
                    throw new AdminException(
                            AdminException.Kind.UNAVAILABLE,
                            "the Poplar server (pid " + pid + ") is still starting; try again in a moment");
                case "cli" ->
                    throw new AdminException(
                            AdminException.Kind.UNAVAILABLE,
                            "another poplar command (pid " + pid + ") is using "
                                    + config.dataDir().toAbsolutePath() + "; try again when it has finished");
                default -> {
                    if (url.isEmpty()) {
                        throw new AdminException(
                                AdminException.Kind.UNAVAILABLE,
                                "the Poplar server (pid " + pid + ") holds "
                                        + config.dataDir().toAbsolutePath()
                                        + " and has no HTTP listener; enable poplar.http.port or stop it");
                    }
                }
            }
            String token = data.existingAdminToken()
                    .orElseThrow(() -> new AdminException(
                            AdminException.Kind.UNAVAILABLE,
                            "admin token missing in " + config.dataDir().toAbsolutePath()));
            return new HttpAdminClient(url, token);
        } catch (IOException e) {
            throw new AdminException(
                    AdminException.Kind.UNAVAILABLE,
                    "cannot use data directory " + config.dataDir().toAbsolutePath() + ": "
                            + dev.poplar.io.IoErrors.describe(e));
        }
    }

    /** How long a command waits for a starting server's admin API (start-up takes seconds). */
    private static final long START_WAIT_MILLIS = 30_000;

    /** The holder's record, once it is no longer a starting server (or the wait is over). */
    private static Properties awaitStarted(DataDirectory data) throws IOException, AdminException {
        long deadline = System.currentTimeMillis() + START_WAIT_MILLIS;
        while (true) {
            Properties holder = data.holder();
            String state = holder.getProperty("state", "starting"); // empty: claimed a moment ago
            if (!state.equals("starting") || System.currentTimeMillis() > deadline) {
                return holder;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted while the server starts");
            }
        }
    }

    private static AdminOperations offline(PoplarConfig config, DataDirectory data, DataDirectory.Claim claim)
            throws AdminException {
        try {
            claim.describe(DataDirectory.Claim.State.CLI, "");
            dev.poplar.storage.MailStore store = dev.poplar.server.StoreOpener.open(data.store(), config.store());
            return new LocalAdmin(
                    store,
                    new PasswordHasher(config.pbkdf2Iterations()),
                    config,
                    ServerControl.NONE,
                    new dev.poplar.retention.MailboxSweep(
                            store, config, dev.poplar.retention.SweepMeters.NONE, java.time.Clock.systemUTC()),
                    data.path(),
                    () -> {
                        store.close();
                        claim.close();
                    });
        } catch (StoreException | IOException e) {
            claim.close();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot open the store: " + e.getMessage());
        }
    }
}
