package dev.poplar.storage.memory;

import static dev.poplar.storage.StoreFixture.CREDS;
import static dev.poplar.storage.StoreFixture.deliver;
import static dev.poplar.storage.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void everyChangeFailsWholeWhileWritesFail() throws StoreException {
        MemoryMailStore memory = (MemoryMailStore) store;
        memory.createAccount("zed", CREDS);
        memory.addAppPassword("zed", new dev.poplar.storage.AppPassword("phone", 1, CREDS));
        deliver(memory, "zed", message(1));
        dev.poplar.storage.AccountInfo before = memory.account("zed").orElseThrow();
        dev.poplar.storage.PasswordCredentials other =
                new dev.poplar.storage.PasswordCredentials(9, new byte[] {1}, new byte[] {2}, new byte[] {3});
        memory.failWrites(new StoreException("disk gone", true));
        assertThrows(StoreException.class, () -> memory.setCredentials("zed", other));
        assertThrows(StoreException.class, () -> memory.setImportedHash("zed", other, "{SSHA}x"));
        assertThrows(
                StoreException.class,
                () -> memory.addAppPassword("zed", new dev.poplar.storage.AppPassword("laptop", 2, CREDS)));
        assertThrows(StoreException.class, () -> memory.revokeAppPassword("zed", "phone"));
        assertThrows(StoreException.class, () -> memory.setApopSecret("zed", new byte[] {1}));
        assertThrows(StoreException.class, () -> memory.deleteAccount("zed"));
        assertThrows(
                StoreException.class, () -> memory.expunge("zed", dev.poplar.storage.ExpungeCriteria.everything()));
        try (dev.poplar.storage.Maildrop drop = memory.openMaildrop("zed", dev.poplar.storage.LockPolicy.EXCLUSIVE)) {
            java.util.BitSet all = new java.util.BitSet();
            all.set(0);
            assertThrows(StoreException.class, () -> drop.commitDeletions(all));
        }
        assertTrue(memory.statistics().lastWriteFailed());
        memory.failWrites(null);
        assertFalse(memory.statistics().lastWriteFailed());
        assertEquals(before, memory.account("zed").orElseThrow(), "nothing changed");
        assertTrue(memory.apopSecret("zed").isEmpty());
        assertEquals(1, memory.stats("zed").messages());
        long commits = memory.statistics().commitsRequested();
        assertTrue(memory.revokeAppPassword("zed", "phone"));
        assertEquals(commits + 1, memory.statistics().commitsRequested(), "a change is one commit");
        assertFalse(memory.revokeAppPassword("zed", "phone"));
        assertEquals(commits + 1, memory.statistics().commitsRequested(), "no change, no commit");
        memory.close();
        assertTrue(memory.accountNames().isEmpty(), "nothing survives close");
    }
}
