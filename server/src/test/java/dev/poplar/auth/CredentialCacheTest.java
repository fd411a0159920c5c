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
}
