package dev.poplar.server;

import dev.poplar.config.PoplarConfig;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import java.nio.file.Path;

/**
 * The one place a store is opened, by the server and by every CLI command alike, always with the
 * configured engine options (block cache, blob files). ArchitectureTest keeps it the only class
 * outside the storage engine that names it.
 */
public final class StoreOpener {
    private StoreOpener() {}

    public static MailStore open(Path dir, PoplarConfig.Store settings) throws StoreException {
        return RocksMailStore.open(dir, new RocksStoreOptions(settings.blockCache(), settings.blobFiles()));
    }
}
