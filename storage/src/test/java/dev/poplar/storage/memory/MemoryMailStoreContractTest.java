package dev.poplar.storage.memory;

import static dev.poplar.storage.StoreFixture.CREDS;
import static dev.poplar.storage.StoreFixture.deliver;
import static dev.poplar.storage.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailStoreContract;
import dev.poplar.storage.StoreException;
import org.junit.jupiter.api.Test;

class MemoryMailStoreContractTest extends MailStoreContract {
    @Override
    protected MailStore open() {
        return new MemoryMailStore();
    }

    @Test
    void injectedWriteFailuresChangeNothing() throws StoreException {
        MemoryMailStore memory = (MemoryMailStore) store;
        memory.createAccount("vic", CREDS);
        deliver(memory, "vic", message(1));
        StoreException full = StoreException.diskFull("no space left on device", null);
        memory.failWrites(full);
        assertFalse(memory.writable());
        assertSame(full, assertThrows(StoreException.class, () -> deliver(memory, "vic", message(2))));
        assertThrows(StoreException.class, () -> memory.createAccount("wes", CREDS));
        assertEquals(1, memory.stats("vic").messages());
        assertEquals(2, memory.statistics().writeErrors());
        memory.failWrites(null);
        deliver(memory, "vic", message(2));
        assertEquals(2, memory.stats("vic").messages());
    }
}
