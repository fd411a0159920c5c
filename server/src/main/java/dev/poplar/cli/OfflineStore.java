package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.config.PoplarConfig;
import dev.poplar.server.DataDirectory;
import dev.poplar.server.StoreOpener;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.nio.file.Path;

/** The store of a stopped node, for the commands that must not run beside a server. */
final class OfflineStore implements AutoCloseable {
    final DataDirectory data;
    final DataDirectory.Claim claim;
    private final PoplarConfig config;
    private MailStore store;

    OfflineStore(PoplarConfig config, String command) throws AdminException {
        this.config = config;
        data = DataDirectory.of(config);
        try {
            claim = data.tryClaim()
                    .orElseThrow(() -> new AdminException(
                            AdminException.Kind.UNAVAILABLE,
                            command + " needs the server stopped: a Poplar process holds "
                                    + config.dataDir().toAbsolutePath()));
            claim.describe(DataDirectory.Claim.State.CLI, "");
        } catch (IOException e) {
            throw new AdminException(
                    AdminException.Kind.UNAVAILABLE,
                    "cannot use " + config.dataDir() + ": " + dev.poplar.io.IoErrors.describe(e));
        }
    }

    /** Opens the store in {@code dir} with the configured engine options. */
    MailStore open(Path dir) throws AdminException {
        try {
            store = StoreOpener.open(dir, config.store());
            return store;
        } catch (StoreException e) {
            throw new AdminException(
                    AdminException.Kind.FAILED, "cannot open the store in " + dir + ": " + e.getMessage());
        }
    }

    void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    public void close() {
        closeStore();
        claim.close();
    }
}
