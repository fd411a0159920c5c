package dev.poplar.directory;

import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The mailboxes of directory users in Poplar's store: created at the user's first login or first
 * delivery, with keys that match no password and a marker, {@code {DIRECTORY}ldap}, where an
 * imported hash would be. The marker tells the internal directory that the account's password is
 * not Poplar's to check (so a chain "internal, ldap" asks LDAP for these users), and it is
 * replaced like an imported hash when an operator sets a password with {@code poplar user passwd},
 * which makes the user internal. The directory's quota and retention are copied onto the account
 * at each login and delivery, where the store enforces them.
 */
public final class DirectoryMailboxes {
    /** The marker's prefix; the directory's name follows. */
    public static final String MARKER = "{DIRECTORY}";

    private final AccountStore store;
    private final Supplier<PasswordCredentials> placeholder;

    public DirectoryMailboxes(AccountStore store, Supplier<PasswordCredentials> placeholder) {
        this.store = store;
        this.placeholder = placeholder;
    }

    /** True when the account is the mailbox of a user another directory holds. */
    public static boolean isDirectoryMailbox(AccountInfo account) {
        return account.importedHash().map(h -> h.startsWith(MARKER)).orElse(false);
    }

    /**
     * The user's mailbox account, created if missing, with the directory's limits.
     *
     * @param directory the directory that knows the user
     */
    public void ensure(String directory, DirectoryUser user) throws StoreException {
        Optional<AccountInfo> account = store.account(user.name());
        if (account.isEmpty()) {
            try {
                store.createAccount(user.name(), placeholder.get(), MARKER + directory);
            } catch (AccountExistsException e) {
                // Another session of the same user created it a moment ago.
            }
            account = store.account(user.name());
            if (account.isEmpty()) {
                return; // deleted again at once by an operator: nothing to set
            }
        }
        AccountLimits wanted = isDirectoryMailbox(account.get())
                ? user.limits() // the directory is the only source: a removed quota is removed here too
                : merged(account.get().limits(), user.limits()); // an internal account: only what the directory says
        if (!wanted.equals(account.get().limits())) {
            store.setLimits(user.name(), wanted);
        }
    }

    private static AccountLimits merged(AccountLimits own, AccountLimits directory) {
        return new AccountLimits(
                directory.maxOctets() == AccountLimits.INHERIT ? own.maxOctets() : directory.maxOctets(),
                directory.maxMessages() == AccountLimits.INHERIT ? own.maxMessages() : directory.maxMessages(),
                directory.retentionMillis() == AccountLimits.INHERIT
                        ? own.retentionMillis()
                        : directory.retentionMillis());
    }
}
