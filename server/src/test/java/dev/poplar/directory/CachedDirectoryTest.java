package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cache against a reference model of a directory (a map of users to passwords that the test
 * changes, counting round trips), with a clock the test moves: what is remembered, for how long,
 * and what is never answered from memory.
 */
class CachedDirectoryTest {
    /** The reference directory: users and passwords, an outage switch, a round-trip count. */
    static final class Model implements UserDirectory {
        final Map<String, String> passwords = new HashMap<>();
        final AtomicInteger trips = new AtomicInteger();
        boolean down;

        @Override
        public String name() {
            return "model";
        }

        @Override
        public Optional<DirectoryUser> find(String login) throws DirectoryException {
            trip();
            return passwords.containsKey(login) ? Optional.of(DirectoryUser.enabled(login)) : Optional.empty();
        }

        @Override
        public Verdict verify(String login, String password) throws DirectoryException {
            trip();
            if (!passwords.containsKey(login)) {
                return Verdict.UNKNOWN;
            }
            return passwords.get(login).equals(password)
                    ? new Verdict.Accepted(DirectoryUser.enabled(login))
                    : new Verdict.Rejected("bad credentials");
        }

        @Override
        public void probe() throws DirectoryException {
            if (down) {
                throw new DirectoryException("model", "down");
            }
        }

        private void trip() throws DirectoryException {
            trips.incrementAndGet();
            if (down) {
                throw new DirectoryException("model", "down");
            }
        }
    }

    final Model model = new Model();
    final AtomicLong now = new AtomicLong();
    final CachedDirectory cache =
            new CachedDirectory(model, 100, Duration.ofMinutes(5), Duration.ofMinutes(1), now::get);

    @Test
    void aVerifiedPasswordIsAnsweredFromMemoryUntilTheTtl() throws Exception {
        model.passwords.put("ann", "pw");
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"));
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"));
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ANN", "pw"), "logins are case-insensitive");
        assertEquals(1, model.trips.get());
        assertEquals(2, cache.hits());
        assertEquals(1, cache.misses());
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"));
        assertEquals(1, model.trips.get(), "still fresh at the very end of the TTL");
        now.incrementAndGet();
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"));
        assertEquals(2, model.trips.get(), "expired: asked again");
        assertEquals(3, cache.hits());
        assertEquals(2, cache.misses());
    }

    @Test
    void aWrongPasswordIsNeverAnsweredFromMemory() throws Exception {
        model.passwords.put("ann", "pw");
        cache.verify("ann", "pw");
        assertEquals(new Verdict.Rejected("bad credentials"), cache.verify("ann", "other"));
        assertEquals(2, model.trips.get());
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"));
        assertEquals(3, model.trips.get(), "a refusal forgets the user: the next login asks the directory");
    }

    @Test
    void aChangedPasswordWorksAtOnceAndReplacesTheOldOne() throws Exception {
        model.passwords.put("ann", "old");
        cache.verify("ann", "old");
        model.passwords.put("ann", "new");
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "old"), "within the TTL, as documented");
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "new"), "the new one at once");
        assertEquals(new Verdict.Rejected("bad credentials"), cache.verify("ann", "old"), "and the old one no more");
    }

    @Test
    void foundUsersAreRememberedAndTheRestIsTheDirectorys() throws Exception {
        model.passwords.put("ann", "pw");
        assertEquals(Optional.of(DirectoryUser.enabled("ann")), cache.find("ann"));
        assertEquals(Optional.of(DirectoryUser.enabled("ann")), cache.find("Ann"));
        assertEquals(1, model.trips.get());
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
        assertEquals(1, cache.size());
        assertEquals("model", cache.name());
        assertEquals(false, cache.storesScramKeys());
        cache.probe();
        model.down = true;
        assertThrows(DirectoryException.class, cache::probe);
    }

    @Test
    void unknownUsersAreRememberedForTheNegativeTtl() throws Exception {
        assertEquals(Optional.empty(), cache.find("zed"));
        assertEquals(Verdict.UNKNOWN, cache.verify("zed", "x"));
        assertEquals(1, model.trips.get());
        model.passwords.put("zed", "pw");
        now.addAndGet(Duration.ofMinutes(1).toNanos() + 1);
        assertTrue(cache.find("zed").isPresent(), "created in the directory: found after the negative TTL");
    }

    @Test
    void anOutageIsNotCachedAndRecentUsersGoOn() throws Exception {
        model.passwords.put("ann", "pw");
        model.passwords.put("bob", "pw");
        cache.verify("ann", "pw");
        model.down = true;
        assertInstanceOf(Verdict.Accepted.class, cache.verify("ann", "pw"), "logged in within the TTL");
        assertThrows(DirectoryException.class, () -> cache.verify("bob", "pw"));
        assertThrows(DirectoryException.class, () -> cache.find("carl"));
        model.down = false;
        assertInstanceOf(Verdict.Accepted.class, cache.verify("bob", "pw"));
        assertEquals(Optional.empty(), cache.find("carl"));
    }

    @Test
    void aFullCacheDropsExpiredEntriesFirst() throws Exception {
        CachedDirectory small = new CachedDirectory(model, 10, Duration.ofMinutes(5), Duration.ofMinutes(5), now::get);
        for (int i = 0; i < 5; i++) {
            small.find("old" + i);
        }
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        for (int i = 0; i < 5; i++) {
            small.find("new" + i);
        }
        now.addAndGet(Duration.ofMinutes(1).toNanos() + 1); // the old ones just expired
        small.find("newest");
        assertEquals(6, small.size(), "the five expired entries went, and only they");
        int trips = model.trips.get();
        for (int i = 0; i < 5; i++) {
            small.find("new" + i);
        }
        assertEquals(trips, model.trips.get(), "the fresh entries stayed");
    }

    @Test
    void flushForgetsOneUserOrAll() throws Exception {
        model.passwords.put("ann", "pw");
        model.passwords.put("bob", "pw");
        cache.verify("ann", "pw");
        cache.verify("bob", "pw");
        assertEquals(1, cache.flush(Optional.of("ANN")));
        cache.verify("ann", "pw");
        assertEquals(3, model.trips.get());
        assertEquals(2, cache.flush(Optional.empty()));
        assertEquals(0, cache.size());
    }

    @Test
    void theBoundHolds() throws Exception {
        CachedDirectory small = new CachedDirectory(model, 10, Duration.ofMinutes(5), Duration.ofMinutes(1), now::get);
        for (int i = 0; i < 1000; i++) {
            small.find("user" + i);
            assertTrue(small.size() <= 10, "size " + small.size());
            assertTrue(
                    i < 10 || small.size() == 10,
                    "a full cache drops a tenth, then takes the new entry: " + small.size());
        }
        CachedDirectory off = new CachedDirectory(model, 0, Duration.ofMinutes(5), Duration.ofMinutes(1), now::get);
        model.passwords.put("ann", "pw");
        off.verify("ann", "pw");
        off.verify("ann", "pw");
        assertEquals(0, off.size());
    }
}
