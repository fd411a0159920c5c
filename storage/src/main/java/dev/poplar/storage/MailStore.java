package dev.poplar.storage;

/**
 * The whole mail store, as the composition root opens it; each consumer takes only the part it
 * uses ({@link AccountStore}, {@link MaildropStore}, {@link DeliveryStore},
 * {@link StoreAdministration}).
 *
 * <p>Every method that changes state returns only once the change is durable (WAL synced);
 * concurrent writers share syncs (group commit). Every method is safe to call from many
 * threads, virtual or not. Implementations: {@code rocks.RocksMailStore} (production) and
 * {@code memory.MemoryMailStore} (protocol tests); both pass the same contract suite.
 */
public interface MailStore extends AccountStore, MaildropStore, DeliveryStore, StoreAdministration, AutoCloseable {
    @Override
    void close();
}
