package dev.poplar.storage.rocks;

import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailStoreContract;
import dev.poplar.storage.StoreException;

class RocksMailStoreContractTest extends MailStoreContract {
    @Override
    protected MailStore open() throws StoreException {
        return RocksMailStore.open(dir, RocksStoreOptions.defaults());
    }
}
