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
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import java.io.IOException;
import java.util.Optional;
import java.util.Properties;

/**
 * Chooses how a CLI command reaches the store: when no process holds the data directory, it
 * claims it and opens the store itself; when a server holds it, it uses that server's admin API
 * (address from the lock file, token from the data directory).
 */
final class AdminConnector {
    private AdminConnector() {
    }

    static AdminOperations connect(PoplarConfig config) throws AdminException {
        DataDirectory data = new DataDirectory(config.dataDir());
        try {
            Optional<DataDirectory.Claim> claim = data.tryClaim();
            if (claim.isPresent()) {
                return offline(config, data, claim.get());
            }
            Properties holder = data.holder();
            String url = holder.getProperty("http", "");
            if (url.isEmpty()) {
                throw new AdminException(AdminException.Kind.UNAVAILABLE, "a Poplar process (pid "
                        + holder.getProperty("pid", "?") + ") holds " + config.dataDir().toAbsolutePath()
                        + " and has no HTTP listener; enable poplar.http.port or stop it");
            }
            String token = data.existingAdminToken().orElseThrow(() -> new AdminException(
                    AdminException.Kind.UNAVAILABLE, "admin token missing in " + config.dataDir().toAbsolutePath()));
            return new HttpAdminClient(url, token);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot use data directory "
                    + config.dataDir().toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static AdminOperations offline(PoplarConfig config, DataDirectory data, DataDirectory.Claim claim)
            throws AdminException {
        try {
            claim.describe("");
            RocksMailStore store = RocksMailStore.open(data.store(),
                    new RocksStoreOptions(config.store().blockCache(), config.store().blobFiles()));
            return new LocalAdmin(store, new PasswordHasher(config.pbkdf2Iterations()),
                    config.lmtp().maxMessageSize(), ServerControl.NONE, data.path(), () -> {
                        store.close();
                        claim.close();
                    });
        } catch (StoreException | IOException e) {
            claim.close();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot open the store: " + e.getMessage());
        }
    }
}
