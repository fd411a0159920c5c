package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AppPassword;
import dev.poplar.storage.memory.MemoryMailStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the verified-credential cache answers a repeated right password without the slow
 * hash, and nothing else: not a wrong password, not an old password after a change, not a revoked
 * app password, not after its TTL. {@link PasswordHasher#iterationsRun()} shows when the slow hash ran.
 */
class CredentialCacheTest {
    private final PasswordHasher hasher = new PasswordHasher(1000);
    private MemoryMailStore store;
    private Authenticator auth;

    @BeforeEach
    void setUp() throws Exception {
        store = new MemoryMailStore();
        store.createAccount("ann", hasher.hash("ann-password"));
        auth = with(new CredentialCache(100, Duration.ofMinutes(5)), new HashingGate(1));
    }

    private Authenticator with(CredentialCache cache, HashingGate gate) {
        return new Authenticator(store, hasher, new byte[32], true, cache, gate);
    }

    /** Runs a login and says whether it ran the slow hash. */
    private boolean hashed(Authenticator a, String user, String password, Optional<String> expected) throws Exception {
        long before = PasswordHasher.iterationsRun();
        assertEquals(expected, a.authenticate(user, password));
        return PasswordHasher.iterationsRun() > before;
    }

    @Test
    void aRepeatedRightPasswordSkipsTheHashAndAWrongOneNeverHits() throws Exception {
        assertTrue(hashed(auth, "ann", "ann-password", Optional.of("ann")), "first login: slow hash");
        assertTrue(!hashed(auth, "ann", "ann-password", Optional.of("ann")), "second: from the cache");
        assertTrue(!hashed(auth, "ANN", "ann-password", Optional.of("ann")), "the name as typed does not matter");
        assertTrue(hashed(auth, "ann", "ann-passwore", Optional.empty()), "a wrong password is hashed and refused");
        assertTrue(hashed(auth, "ann", "", Optional.empty()));
        assertEquals(2, auth.cache().hits());
        assertTrue(hashed(auth, "nobody", "ann-password", Optional.empty()), "unknown users cost the same hash");
    }

    @Test
    void aChangedPasswordOrARevokedAppPasswordMissesAtOnce() throws Exception {
        AppPasswords.Generated app = AppPasswords.generate(hasher);
        store.addAppPassword("ann", new AppPassword("phone", 1, app.credentials()));
        assertEquals(Optional.of("ann"), auth.authenticate("ann", app.password()));
        assertTrue(!hashed(auth, "ann", app.password(), Optional.of("ann")), "cached");
        store.revokeAppPassword("ann", "phone");
        assertTrue(hashed(auth, "ann", app.password(), Optional.empty()), "revoked: refused");
        // Revoked and created again under the same label: the old one is still refused.
        store.addAppPassword("ann", new AppPassword("phone", 1, app.credentials()));
        assertEquals(Optional.of("ann"), auth.authenticate("ann", app.password()));
        AppPasswords.Generated again = AppPasswords.generate(hasher);
        store.revokeAppPassword("ann", "phone");
        store.addAppPassword("ann", new AppPassword("phone", 2, again.credentials()));
        assertTrue(hashed(auth, "ann", app.password(), Optional.empty()), "same label, new password: old refused");
        assertTrue(hashed(auth, "ann", again.password(), Optional.of("ann")));
        store.revokeAppPassword("ann", "phone");

        auth.authenticate("ann", "ann-password");
        store.setCredentials("ann", hasher.hash("new-password"));
        assertTrue(hashed(auth, "ann", "ann-password", Optional.empty()), "the old password stops at once");
        assertTrue(hashed(auth, "ann", "new-password", Optional.of("ann")));
        assertTrue(!hashed(auth, "ann", "new-password", Optional.of("ann")));

        // Deleted and created again with the same password: a new account, nothing carried over.
        store.deleteAccount("ann");
        assertTrue(hashed(auth, "ann", "new-password", Optional.empty()));
        store.createAccount("ann", hasher.hash("new-password"));
        assertTrue(hashed(auth, "ann", "new-password", Optional.of("ann")));
    }

    @Test
    void hitsAndMissesAreCountedAndEvictionTakesExpiredEntriesFirst() throws Exception {
        CredentialCache cache = new CredentialCache(10, Duration.ofMillis(300));
        Authenticator a = with(cache, new HashingGate(1));
        for (int i = 0; i < 10; i++) {
            store.createAccount("e" + i, hasher.hash("pw-" + i));
        }
        for (int i = 0; i < 5; i++) {
            a.authenticate("e" + i, "pw-" + i);
        }
        assertEquals(5, cache.misses(), "each first login misses");
        assertEquals(0, cache.hits());
        Thread.sleep(400); // e0..e4 expire
        for (int i = 5; i < 10; i++) {
            a.authenticate("e" + i, "pw-" + i);
        }
        assertEquals(10, cache.size());
        a.authenticate("ann", "ann-password"); // full: the five expired entries go, nothing else
        assertEquals(6, cache.size());
        for (int i = 5; i < 10; i++) {
            assertTrue(!hashed(a, "e" + i, "pw-" + i, Optional.of("e" + i)), "fresh entry e" + i + " kept");
        }
        assertEquals(5, cache.hits());
        assertEquals(11, cache.misses());
        a.authenticate("e5", "wrong-password");
        assertEquals(12, cache.misses(), "a wrong password is a miss");
        // No expired entries: down to 90% of the bound, then the new one.
        CredentialCache full = new CredentialCache(10, Duration.ofMinutes(5));
        Authenticator b = with(full, new HashingGate(1));
        for (int i = 0; i < 10; i++) {
            b.authenticate("e" + i, "pw-" + i);
        }
        assertEquals(10, full.size());
        b.authenticate("ann", "ann-password");
        assertEquals(10, full.size(), "one arbitrary entry made room");
        assertTrue(!hashed(b, "ann", "ann-password", Optional.of("ann")), "the new entry is there");
    }

    @Test
    void entriesExpireAndTheCacheStaysWithinItsBound() throws Exception {
        Authenticator shortLived = with(new CredentialCache(10, Duration.ofMillis(30)), new HashingGate(1));
        shortLived.authenticate("ann", "ann-password");
        Thread.sleep(60);
        assertTrue(hashed(shortLived, "ann", "ann-password", Optional.of("ann")), "expired");
        for (int i = 0; i < 50; i++) {
            store.createAccount("u" + i, hasher.hash("pw-" + i));
            shortLived.authenticate("u" + i, "pw-" + i);
            assertTrue(
                    shortLived.cache().size() <= 10,
                    "size " + shortLived.cache().size());
        }
        Authenticator none = with(CredentialCache.off(), new HashingGate(1));
        none.authenticate("ann", "ann-password");
        assertTrue(hashed(none, "ann", "ann-password", Optional.of("ann")), "cache-size 0: always hashed");
    }

    /** A login storm waits for the hashing slots; a cached login does not wait behind it. */
    @Test
    void cachedLoginsDoNotQueueBehindTheSlowHashes() throws Exception {
        auth.authenticate("ann", "ann-password");
        store.createAccount("bo", hasher.hash("bo-password"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                auth.gate().run(() -> {
                    holding.countDown();
                    release.await();
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holding.await();
        CompletableFuture<Optional<String>> storm = CompletableFuture.supplyAsync(() -> {
            try {
                return auth.authenticate("bo", "bo-password");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (auth.gate().waiting() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, auth.gate().waiting(), "bo waits for the only hashing slot");
        assertEquals(Optional.of("ann"), auth.authenticate("ann", "ann-password"), "ann is cached: no wait");
        release.countDown();
        assertEquals(Optional.of("bo"), storm.get(5, TimeUnit.SECONDS));
    }

    /** An imported hash is checked, replaced by Poplar's form once, and only then cached. */
    @Test
    void anImportedHashIsRehashedOnceAndThenCached() throws Exception {
        store.createAccount("imp", hasher.hash("unused-placeholder"), "{PLAIN}old-secret");
        assertEquals(Optional.empty(), auth.authenticate("imp", "{PLAIN}old-secret"), "the hash string is no password");
        assertEquals(Optional.empty(), auth.authenticate("imp", "wrong"));
        assertEquals(0, auth.rehashed());
        assertEquals(Optional.of("imp"), auth.authenticate("imp", "old-secret"));
        assertEquals(1, auth.rehashed());
        assertEquals(Optional.empty(), store.account("imp").orElseThrow().importedHash(), "now in Poplar's form");
        assertTrue(hashed(auth, "imp", "old-secret", Optional.of("imp")), "first login in the new form: hashed");
        assertTrue(!hashed(auth, "imp", "old-secret", Optional.of("imp")), "then cached");
        assertEquals(1, auth.rehashed(), "re-hashed once");
        Authenticator keep = new Authenticator(
                store, hasher, new byte[32], false, new CredentialCache(10, Duration.ofMinutes(1)), new HashingGate(1));
        store.createAccount("kept", hasher.hash("unused-placeholder"), "{PLAIN}kept-secret");
        assertEquals(Optional.of("kept"), keep.authenticate("kept", "kept-secret"));
        assertEquals(0, keep.rehashed(), "poplar.auth.rehash-imported: false");
        assertTrue(store.account("kept").orElseThrow().importedHash().isPresent());
        assertEquals(Optional.of("kept"), keep.authenticate("kept", "kept-secret"));
        assertEquals(0, keep.cache().size(), "an imported hash is never cached");
        Authenticator.ScramLookup unknown = keep.scramCredentials("nobody");
        assertEquals(null, unknown.account());
        assertEquals(16, unknown.credentials().salt().length);
        assertEquals(
                unknown.credentials().salt().length,
                keep.scramCredentials("nobody").credentials().salt().length);
        assertTrue(
                java.util.Arrays.equals(
                        unknown.credentials().salt(),
                        keep.scramCredentials("NOBODY").credentials().salt()),
                "the same decoy salt for a name every time");
    }
}
