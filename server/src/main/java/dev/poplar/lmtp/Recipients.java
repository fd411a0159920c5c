package dev.poplar.lmtp;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.StoreException;
import java.util.Optional;

/**
 * Maps an RCPT TO address to an account: the whole address if such a user exists
 * ("alice@example.org"), else its local part ("alice"), so that both virtual-domain and
 * plain-user set-ups work without configuration. Who exists is the user directories' answer
 * (Authenticator#existing), which also creates a directory user's mailbox on its first delivery.
 */
@FunctionalInterface
public interface Recipients {
    /** The account {@code name} names, if its user exists. */
    Optional<String> account(String name) throws StoreException;

    /** Accounts of the store alone (tests, tools). */
    static Recipients of(AccountStore store) {
        return name -> dev.poplar.storage.AccountNames.isValid(name)
                ? store.account(name).map(AccountInfo::name)
                : Optional.empty();
    }

    static Optional<String> resolve(Recipients lookup, String address) throws StoreException {
        Optional<String> whole = lookup.account(address);
        if (whole.isPresent()) {
            return whole;
        }
        int at = address.lastIndexOf('@');
        return at > 0 ? lookup.account(address.substring(0, at)) : Optional.empty();
    }
}
