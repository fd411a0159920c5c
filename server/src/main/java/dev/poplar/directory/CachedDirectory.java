package dev.poplar.directory;

import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A remote directory's answers, remembered (Dovecot's auth cache): a found user and, once a login
 * succeeded, a tag of its password for {@code ttl}; an unknown user for {@code negativeTtl}, so
 * that mail to non-existent addresses and guessed names do not each cost a round trip. At most
 * {@code maxEntries} users (about 200 bytes each); a full cache drops expired entries, then
 * arbitrary ones.
 *
 * <p>The password tag is HMAC-SHA-256 under a key that lives only in this process, over the login
 * and the password: a wrong password never matches. A password changed in the directory works at
 * once (its tag differs, so the directory is asked, and the new tag replaces the old); the old
 * one stops working when that happens or within {@code ttl}, whichever is first. A refused login
 * forgets the user, so the next one asks the directory. An outage does not expire entries early:
 * users who logged in within {@code ttl} go on logging in while the directory is down.
 */
public final class CachedDirectory extends ForwardingDirectory {
    private static final int TAG_BYTES = 16;

    /** {@code user} empty: the directory does not have this login. {@code tag} null: no verified password. */
    private record Entry(Optional<DirectoryUser> user, byte[] tag, long expiresNanos) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final int maxEntries;
    private final long ttlNanos;
    private final long negativeTtlNanos;
    private final LongSupplier clock;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public CachedDirectory(UserDirectory inner, int maxEntries, Duration ttl, Duration negativeTtl) {
        this(inner, maxEntries, ttl, negativeTtl, System::nanoTime);
    }

    /** With a clock, so that tests can move time instead of waiting for it. */
    public CachedDirectory(
            UserDirectory inner, int maxEntries, Duration ttl, Duration negativeTtl, LongSupplier nanoClock) {
        super(inner);
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.negativeTtlNanos = negativeTtl.toNanos();
        this.clock = nanoClock;
    }

    @Override
    public Optional<DirectoryUser> find(String login) throws StoreException {
        String k = login.toLowerCase(Locale.ROOT);
        Entry e = fresh(k);
        if (e != null) {
            hits.increment();
            return e.user();
        }
        misses.increment();
        Optional<DirectoryUser> found = inner.find(login);
        put(k, new Entry(found, null, clock.getAsLong() + (found.isPresent() ? ttlNanos : negativeTtlNanos)));
        return found;
    }

    @Override
    public Verdict verify(String login, String password) throws StoreException {
        String k = login.toLowerCase(Locale.ROOT);
        Entry e = fresh(k);
        byte[] tag = tag(k, password);
        if (e != null && e.user().isEmpty()) {
            hits.increment();
            return Verdict.UNKNOWN;
        }
        if (e != null && e.tag() != null && MessageDigest.isEqual(e.tag(), tag)) {
            hits.increment();
            return new Verdict.Accepted(e.user().orElseThrow());
        }
        misses.increment();
        Verdict v = inner.verify(login, password);
        switch (v) {
            case Verdict.Accepted a -> put(k, new Entry(Optional.of(a.user()), tag, clock.getAsLong() + ttlNanos));
            case Verdict.Unknown u -> put(k, new Entry(Optional.empty(), null, clock.getAsLong() + negativeTtlNanos));
            case Verdict.Rejected r -> entries.remove(k);
        }
        return v;
    }

    /** Forgets one login (poplar directory flush USER), or everything when {@code login} is empty. */
    public int flush(Optional<String> login) {
        if (login.isPresent()) {
            return entries.remove(login.get().toLowerCase(Locale.ROOT)) == null ? 0 : 1;
        }
        int n = entries.size();
        entries.clear();
        return n;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public int size() {
        return entries.size();
    }

    private Entry fresh(String k) {
        Entry e = entries.get(k);
        if (e != null && clock.getAsLong() - e.expiresNanos() > 0) {
            entries.remove(k, e);
            return null;
        }
        return e;
    }

    private void put(String k, Entry e) {
        if (maxEntries <= 0) {
            return;
        }
        if (entries.size() >= maxEntries && !entries.containsKey(k)) {
            evictSome();
        }
        entries.put(k, e);
    }

    /** Expired entries first; if none, arbitrary ones, down to 90% of the bound (Eviction). */
    private void evictSome() {
        dev.poplar.cache.Eviction.makeRoom(entries, maxEntries, clock.getAsLong(), Entry::expiresNanos);
    }

    private byte[] tag(String login, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(login.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(password.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
