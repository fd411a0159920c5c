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
 * An unknown user costs the same hashing as a wrong password, and gets a stable decoy SCRAM salt,
 * so neither timing nor the exchange tells which user names exist.
 */
public final class Authenticator {
    /** The shape LocalAdmin generates app passwords in: four groups of five letters or digits. */
    public static final java.util.regex.Pattern APP_PASSWORD_SHAPE =
            java.util.regex.Pattern.compile("[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}");

    private final MailStore store;
    private final PasswordCredentials decoy;
    private final byte[] decoySecret = new byte[32];

    public Authenticator(MailStore store, PasswordHasher hasher) {
        this.store = store;
        this.decoy = hasher.hash("decoy password that matches nothing");
        new SecureRandom().nextBytes(decoySecret);
    }

    /** The normalised account name when the password (or an app password) is right. */
    public Optional<String> authenticate(String user, String password) throws StoreException {
        Optional<AccountInfo> account = AccountNames.isValid(user) ? store.account(user) : Optional.empty();
        if (account.isEmpty()) {
            PasswordHasher.verify(decoy, password);
            return Optional.empty();
        }
        AccountInfo a = account.get();
        if (PasswordHasher.verify(a.credentials(), password)) {
            return Optional.of(a.name());
        }
        // App passwords are generated in one shape; only such a password can be one, so a wrong
        // password costs one hash, not one per app password (a lever for whoever hammers logins).
        if (!APP_PASSWORD_SHAPE.matcher(password).matches()) {
            return Optional.empty();
        }
        for (AppPassword app : a.appPasswords()) {
            if (PasswordHasher.verify(app.credentials(), password)) {
                return Optional.of(a.name());
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
            salt = Arrays.copyOf(PasswordHasher.hmac(decoySecret, user.toLowerCase(java.util.Locale.ROOT)), 16);
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
