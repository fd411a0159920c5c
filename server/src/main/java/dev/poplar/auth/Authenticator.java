package dev.poplar.auth;

import dev.poplar.auth.hash.ImportedHash;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * Checks credentials against the store: the account's password or one of its app passwords.
 * The work does not depend on whether the user exists or how many app passwords it has: an
 * unknown user costs the same hashing as a wrong password (a decoy record), an app-password-shaped
 * password exactly one more hash (the app password its identifier names, or the decoy), and
 * SCRAM answers an unknown user with a salt derived from a key kept in the data directory, so it
 * does not change across restarts while real salts stay.
 */
public final class Authenticator {
    private static final System.Logger LOG = System.getLogger("dev.poplar.auth");

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final PasswordCredentials decoy;
    private final byte[] decoyKey;
    private final boolean rehashImported;
    private final CredentialCache cache;
    private final HashingGate gate;
    private final java.util.concurrent.atomic.LongAdder rehashed = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param decoyKey       a persistent secret (data-dir/auth-decoy.key) from which unknown users'
     *                       SCRAM salts are derived
     * @param rehashImported after a login checked against an imported hash, store the password in
     *                       Poplar's own form (poplar.auth.rehash-imported)
     * @param cache          verified credentials, checked before any slow hash
     * @param gate           bounds the slow hashes running at once
     */
    public Authenticator(
            AccountStore store,
            PasswordHasher hasher,
            byte[] decoyKey,
            boolean rehashImported,
            CredentialCache cache,
            HashingGate gate) {
        this.store = store;
        this.hasher = hasher;
        this.decoy = hasher.hash("decoy password that matches nothing");
        this.decoyKey = decoyKey.clone();
        this.rehashImported = rehashImported;
        this.cache = cache;
        this.gate = gate;
    }

    /** With a random decoy key, no cache (tests and tools that do not serve SCRAM across restarts). */
    public Authenticator(AccountStore store, PasswordHasher hasher) {
        this(store, hasher, randomKey(), true, CredentialCache.off(), new HashingGate(HashingGate.defaultSize()));
    }

    public CredentialCache cache() {
        return cache;
    }

    public HashingGate gate() {
        return gate;
    }

    /** Imported hashes replaced by Poplar's own form after a login (poplar_auth_password_rehashes_total). */
    public long rehashed() {
        return rehashed.sum();
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * The normalised account name when the password (or an app password) is right. A password
     * verified within the cache's TTL, for the account's credentials as they are now, costs one
     * HMAC; any other costs the slow hash, at most {@link HashingGate#size()} at once.
     */
    public Optional<String> authenticate(String user, String password) throws StoreException {
        Optional<AccountInfo> account = AccountNames.isValid(user) ? store.account(user) : Optional.empty();
        if (account.isPresent() && cache.verified(account.get(), password)) {
            return Optional.of(account.get().name());
        }
        Optional<String> verified = gate.run(() -> verify(account, password));
        if (verified.isPresent() && account.get().importedHash().isEmpty()) {
            cache.remember(account.get(), password); // an imported hash was just replaced: next time
        }
        return verified;
    }

    private Optional<String> verify(Optional<AccountInfo> account, String password) throws StoreException {
        boolean known = account.isPresent();
        if (known && account.get().importedHash().isPresent()) {
            // A user brought from another server: its main password is the imported hash.
            if (importedMatches(account.get(), password)) {
                return Optional.of(account.get().name());
            }
        } else if (PasswordHasher.verify(known ? account.get().credentials() : decoy, password) && known) {
            // One slow hash either way: the account's password, or the decoy for an unknown user.
            return Optional.of(account.get().name());
        }
        if (!AppPasswords.hasShape(password)) {
            return Optional.empty();
        }
        // Exactly one more: the app password the identifier names, or the decoy.
        Optional<AppPassword> named = known
                ? account.get().appPasswords().stream()
                        .filter(a -> AppPasswords.names(a.credentials(), password))
                        .findFirst()
                : Optional.empty();
        boolean appMatches =
                PasswordHasher.verify(named.map(AppPassword::credentials).orElse(decoy), password);
        if (named.isPresent() && appMatches) {
            return Optional.of(account.get().name());
        }
        if (known) {
            // App passwords made before identifiers (Poplar 0.1): one hash each. Recreating them
            // ends this (docs/security.md).
            for (AppPassword app : account.get().appPasswords()) {
                if (AppPasswords.legacy(app.credentials()) && PasswordHasher.verify(app.credentials(), password)) {
                    return Optional.of(account.get().name());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A user brought from another server: its password is checked against the imported hash (the
     * scheme's own cost), then stored in Poplar's form, which also gives the user SCRAM. Until then
     * its app passwords still work (they are checked after this); its SCRAM keys match nothing.
     */
    private boolean importedMatches(AccountInfo account, String password) throws StoreException {
        ImportedHash imported;
        try {
            imported = ImportedHash.parse(account.importedHash().orElseThrow());
        } catch (IllegalArgumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "user " + account.name() + " has an unusable imported hash: " + e.getMessage());
            return false;
        }
        if (!imported.verify(password)) {
            return false;
        }
        if (rehashImported) {
            try {
                store.setCredentials(account.name(), hasher.hash(password));
                rehashed.increment();
            } catch (StoreException e) {
                // The login stands; the next one tries again.
                LOG.log(
                        System.Logger.Level.WARNING,
                        "user " + account.name() + ": re-hashing the imported password failed: " + e.getMessage());
            }
        }
        return true;
    }

    /** SCRAM material: the account (null when unknown) and its keys, or decoy keys that never match. */
    public record ScramLookup(String account, PasswordCredentials credentials) {}

    public ScramLookup scramCredentials(String user) throws StoreException {
        Optional<AccountInfo> account = AccountNames.isValid(user) ? store.account(user) : Optional.empty();
        if (account.isPresent()) {
            return new ScramLookup(account.get().name(), account.get().credentials());
        }
        byte[] salt;
        try {
            salt = Arrays.copyOf(PasswordHasher.hmac(decoyKey, user.toLowerCase(java.util.Locale.ROOT)), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new ScramLookup(null, new PasswordCredentials(decoy.iterations(), salt, random, random));
    }

    /** Whether the account exists (for mechanisms that authenticate by token, not password). */
    public Optional<String> existing(String user) throws StoreException {
        if (!AccountNames.isValid(user)) {
            return Optional.empty();
        }
        return store.account(user).map(AccountInfo::name);
    }
}
