package dev.poplar.lmtp;

import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.StoreException;
import java.util.Optional;

/**
 * Maps an RCPT TO address to an account: the whole address if such an account exists
 * ("alice@example.org"), else its local part ("alice"), so that both virtual-domain and
 * plain-user set-ups work without configuration.
 */
final class Recipients {
    private Recipients() {}

    static Optional<String> resolve(AccountStore store, String address) throws StoreException {
        if (AccountNames.isValid(address) && store.account(address).isPresent()) {
            return Optional.of(AccountNames.normalize(address));
        }
        int at = address.lastIndexOf('@');
        if (at > 0) {
            String local = address.substring(0, at);
            if (AccountNames.isValid(local) && store.account(local).isPresent()) {
                return Optional.of(AccountNames.normalize(local));
            }
        }
        return Optional.empty();
    }
}
