package dev.poplar.auth;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.PasswordCredentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verified credentials, so that a client polling every few minutes with the same password does
 * not pay the slow hash each time (Dovecot's auth cache). An entry holds, per account, a tag:
 * HMAC-SHA-256 under a random key that lives only in this process, over the account's id, the
 * password and a fingerprint of every credential the account has now (the password's salt and
 * key, each app password's label, salt and key). So:
 *
 * <ul>
 *   <li>a wrong password never hits: its tag differs;
 *   <li>a changed password, a new or revoked app password, a deleted and re-created account (by
 *       this server, the CLI or the admin API) change the fingerprint, and the old entry matches
 *       nothing: invalidation needs no message between processes;
 *   <li>entries expire after the TTL and the map holds at most {@code maxEntries} (about 150 bytes
 *       each), evicting arbitrary entries when full.
 * </ul>
 *
 * The trade-off (docs/security.md): a memory dump of the running server yields tags and the key,
 * which can be attacked at HMAC speed rather than PBKDF2 speed, for users who logged in within the
 * TTL. A store file, a backup or a core file of a stopped process holds neither.
 */
public final class CredentialCache {
    private static final int TAG_BYTES = 16;

    private record Entry(byte[] tag, long expiresNanos) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final int maxEntries;
    private final long ttlNanos;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public CredentialCache(int maxEntries, Duration ttl) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
    }

    /** A cache that holds nothing (poplar.auth.cache-size: 0). */
    public static CredentialCache off() {
        return new CredentialCache(0, Duration.ofSeconds(1));
    }

    public boolean enabled() {
        return maxEntries > 0;
    }

    /** True when this password was verified for this account, as it is now, within the TTL. */
    public boolean verified(AccountInfo account, String password) {
        if (!enabled()) {
            return false;
        }
        Entry e = entries.get(account.name());
        if (e == null) {
            misses.increment();
            return false;
        }
        if (System.nanoTime() - e.expiresNanos() > 0) {
            entries.remove(account.name(), e);
            misses.increment();
            return false;
        }
        boolean hit = MessageDigest.isEqual(e.tag(), tag(account, password));
        (hit ? hits : misses).increment();
        return hit;
    }

    /** Remembers a password the slow way just verified for {@code account}. */
    public void remember(AccountInfo account, String password) {
        if (!enabled()) {
            return;
        }
        if (entries.size() >= maxEntries && !entries.containsKey(account.name())) {
            evictSome();
        }
        entries.put(account.name(), new Entry(tag(account, password), System.nanoTime() + ttlNanos));
    }

    /** Drops the account's entry (its password was changed here; a changed fingerprint would miss anyway). */
    public void forget(String accountName) {
        entries.remove(accountName);
    }

    /** Expired entries first; if none, arbitrary ones, down to 90% of the bound (Eviction). */
    private void evictSome() {
        dev.poplar.cache.Eviction.makeRoom(entries, maxEntries, System.nanoTime(), Entry::expiresNanos);
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

    private byte[] tag(AccountInfo account, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(Long.toString(account.id()).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(password.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            // An imported hash needs no place here: setting one replaces the credentials too.
            fingerprint(mac, account.credentials());
            for (AppPassword app : account.appPasswords()) {
                mac.update((byte) 0);
                mac.update(app.label().getBytes(StandardCharsets.UTF_8));
                fingerprint(mac, app.credentials());
            }
            byte[] full = mac.doFinal();
            return java.util.Arrays.copyOf(full, TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Any new password gets a new salt and key, so these two identify the credentials. */
    private static void fingerprint(Mac mac, PasswordCredentials c) {
        mac.update(c.salt());
        mac.update(c.storedKey());
    }
}
