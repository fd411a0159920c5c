package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.config.PoplarConfig;
import dev.poplar.server.DataDirectory;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import java.io.IOException;
import java.nio.file.Path;

/** The store of a stopped node, for the commands that must not run beside a server. */
final class OfflineStore implements AutoCloseable {
    final DataDirectory data;
    final DataDirectory.Claim claim;
    private RocksMailStore store;

    OfflineStore(PoplarConfig config, String command) throws AdminException {
        data = DataDirectory.of(config);
        try {
            claim = data.tryClaim().orElseThrow(() -> new AdminException(AdminException.Kind.UNAVAILABLE,
                    command + " needs the server stopped: a Poplar process holds " + config.dataDir().toAbsolutePath()));
            claim.describe(DataDirectory.Claim.State.CLI, "");
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot use " + config.dataDir() + ": " + dev.poplar.io.IoErrors.describe(e));
        }
    }

    RocksMailStore open(Path dir) throws AdminException {
        try {
            store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
            return store;
        } catch (StoreException e) {
            throw new AdminException(AdminException.Kind.FAILED, "cannot open the store in " + dir + ": " + e.getMessage());
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
