package dev.poplar.auth;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.MailStore;
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
    private final MailStore store;
    private final PasswordCredentials decoy;
    private final byte[] decoyKey;

    /**
     * @param decoyKey a persistent secret (data-dir/auth-decoy.key) from which unknown users'
     *                 SCRAM salts are derived
     */
    public Authenticator(MailStore store, PasswordHasher hasher, byte[] decoyKey) {
        this.store = store;
        this.decoy = hasher.hash("decoy password that matches nothing");
        this.decoyKey = decoyKey.clone();
    }

    /** With a random decoy key (tests and tools that do not serve SCRAM across restarts). */
    public Authenticator(MailStore store, PasswordHasher hasher) {
        this(store, hasher, randomKey());
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** The normalised account name when the password (or an app password) is right. */
    public Optional<String> authenticate(String user, String password) throws StoreException {
        Optional<AccountInfo> account = AccountNames.isValid(user) ? store.account(user) : Optional.empty();
        boolean known = account.isPresent();
        // One slow hash: the account's password, or the decoy for an unknown user.
        boolean matches = PasswordHasher.verify(known ? account.get().credentials() : decoy, password);
        if (known && matches) {
            return Optional.of(account.get().name());
        }
        if (!AppPasswords.hasShape(password)) {
            return Optional.empty();
        }
        // Exactly one more: the app password the identifier names, or the decoy.
        Optional<AppPassword> named = known ? account.get().appPasswords().stream()
                .filter(a -> AppPasswords.names(a.credentials(), password)).findFirst() : Optional.empty();
        boolean appMatches = PasswordHasher.verify(named.map(AppPassword::credentials).orElse(decoy), password);
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

    /** SCRAM material: the account (null when unknown) and its keys, or decoy keys that never match. */
    public record ScramLookup(String account, PasswordCredentials credentials) {
    }

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
