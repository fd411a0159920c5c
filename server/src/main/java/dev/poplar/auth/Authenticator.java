package dev.poplar.auth;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.util.Optional;

/**
 * Checks a user name and password against the store. An unknown user costs the same hashing
 * as a wrong password, so timing does not tell which user names exist.
 */
public final class Authenticator {
    private final MailStore store;
    private final PasswordCredentials decoy;

    public Authenticator(MailStore store, PasswordHasher hasher) {
        this.store = store;
        this.decoy = hasher.hash("decoy password that matches nothing");
    }

    /** The normalised account name when the credentials are right. */
    public Optional<String> authenticate(String user, String password) throws StoreException {
        if (!AccountNames.isValid(user)) {
            PasswordHasher.verify(decoy, password);
            return Optional.empty();
        }
        Optional<AccountInfo> account = store.account(user);
        if (account.isEmpty()) {
            PasswordHasher.verify(decoy, password);
            return Optional.empty();
        }
        return PasswordHasher.verify(account.get().credentials(), password)
                ? Optional.of(account.get().name()) : Optional.empty();
    }
}
