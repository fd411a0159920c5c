package dev.poplar.storage.rocks;

import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.StoreFixture;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Run in a child JVM by {@link CrashConsistencyTest}: delivers and deletes as fast as it can and
 * prints each acknowledgement only after the store call returned, until it is SIGKILLed.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        RocksMailStore store = RocksMailStore.open(Path.of(args[0]), RocksStoreOptions.defaults());
        try {
            store.createAccount("victim", StoreFixture.CREDS);
        } catch (AccountExistsException e) {
            // second run
        }
        System.out.println("READY");
        System.out.flush();
        for (int i = 0; ; i++) {
            long uid = StoreFixture.deliver(store, "victim", StoreFixture.message(i));
            System.out.println("ACK " + uid + " " + i);
            if (i % 10 == 9) {
                try (Maildrop drop = store.openMaildrop("victim", LockPolicy.EXCLUSIVE)) {
                    BitSet first = new BitSet();
                    first.set(0);
                    long deleted = drop.listing().uid(0);
                    System.out.println("DELETING " + deleted);
                    System.out.flush();
                    drop.commitDeletions(first);
                    System.out.println("DELETED " + deleted);
                }
            }
            System.out.flush();
        }
    }
}
