package dev.poplar.storage;

import java.util.List;
import java.util.Optional;

/**
 * Accounts and their credentials: what login (POP3, SASL, APOP), recipient lookup and the user
 * administration need. Changes return once durable.
 */
public interface AccountStore {

    /** Creates an account with an empty mailbox; fails with {@link AccountExistsException}. */
    default AccountInfo createAccount(String name, PasswordCredentials credentials) throws StoreException {
        return createAccount(name, credentials, null);
    }

    /**
     * Creates an account whose password is, until its first login, checked against
     * {@code importedHash} (a hash from another server; null for none). {@code credentials} then
     * holds keys that match no password.
     */
    AccountInfo createAccount(String name, PasswordCredentials credentials, String importedHash) throws StoreException;

    /** One account of a bulk creation: an imported hash or null, as in {@link #createAccount(String, PasswordCredentials, String)}. */
    record NewAccount(String name, PasswordCredentials credentials, String importedHash) {}

    /**
     * Creates, in one synced write, each account that does not exist yet; returns, in order,
     * whether each was created (false: the name was taken, that account left as it was). Bulk
     * provisioning: one WAL sync for a whole batch instead of one per user.
     */
    List<Boolean> createAccounts(List<NewAccount> accounts) throws StoreException;

    /** Replaces the password of an existing account (and drops an imported hash). */
    void setCredentials(String name, PasswordCredentials credentials) throws StoreException;

    /** Replaces the password of an existing account by an imported hash (a re-import). */
    void setImportedHash(String name, PasswordCredentials placeholder, String importedHash) throws StoreException;

    /**
     * Adds an app password; fails with {@link AccountExistsException} when the label is taken, and
     * with a permanent {@link StoreException} past {@link AppPassword#MAX_PER_ACCOUNT}.
     */
    void addAppPassword(String name, AppPassword password) throws StoreException;

    /** Removes an app password; false when there was none with that label. */
    boolean revokeAppPassword(String name, String label) throws StoreException;

    /**
     * Sets (or, with null, removes) the account's APOP secret, sealed by the caller: APOP needs the
     * secret itself, so it cannot be a one-way hash like the password.
     */
    void setApopSecret(String name, byte[] sealedSecret) throws StoreException;

    /** The sealed APOP secret, if the account has one. */
    Optional<byte[]> apopSecret(String name) throws StoreException;

    /** Removes an account with all its messages. Returns false when there was no such account. */
    boolean deleteAccount(String name) throws StoreException;

    /** Replaces the account's own quota and retention ({@link AccountLimits#INHERITED} clears them). */
    void setLimits(String name, AccountLimits limits) throws StoreException;

    /** The account, if it exists (name is normalised with {@link AccountNames#normalize}). */
    Optional<AccountInfo> account(String name) throws StoreException;

    /** All account names, sorted. Memory grows with the node: tools use {@link #accountNames(String, String, int)}. */
    List<String> accountNames() throws StoreException;

    /**
     * One page of account names, sorted: those starting with {@code prefix} ("" for all) that sort
     * after {@code after} (null to start at the first), at most {@code limit}. A listing pages by
     * passing the last name of one page as {@code after} of the next.
     */
    List<String> accountNames(String prefix, String after, int limit) throws StoreException;
}
