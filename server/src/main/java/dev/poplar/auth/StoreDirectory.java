package dev.poplar.auth;

import dev.poplar.auth.hash.ImportedHash;
import dev.poplar.directory.DirectoryMailboxes;
import dev.poplar.directory.DirectoryUser;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.Verdict;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The internal directory: users whose password Poplar's store holds (the account's password or
 * one of its app passwords, or a hash imported from another server until the first login
 * re-hashes it). The work does not depend on whether the user exists or how many app passwords it
 * has: an unknown user costs the same hashing as a wrong password (a decoy record) when no other
 * directory follows in the chain, an app-password-shaped password exactly one more hash (the app
 * password its identifier names, or the decoy). Mailboxes of other directories' users are not
 * this directory's users.
 */
final class StoreDirectory implements UserDirectory {
    private static final System.Logger LOG = System.getLogger("dev.poplar.auth");

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final PasswordCredentials decoy;
    private final boolean rehashImported;
    private final boolean decoyForUnknown;
    private final CredentialCache cache;
    private final HashingGate gate;
    private final LongAdder rehashed = new LongAdder();

    /**
     * @param decoyForUnknown hash the decoy for an unknown user (the last directory of the chain:
     *                        no other directory's round trip would give the difference away anyway)
     */
    StoreDirectory(
            AccountStore store,
            PasswordHasher hasher,
            PasswordCredentials decoy,
            boolean rehashImported,
            boolean decoyForUnknown,
            CredentialCache cache,
            HashingGate gate) {
        this.store = store;
        this.hasher = hasher;
        this.decoy = decoy;
        this.rehashImported = rehashImported;
        this.decoyForUnknown = decoyForUnknown;
        this.cache = cache;
        this.gate = gate;
    }

    @Override
    public String name() {
        return "internal";
    }

    @Override
    public boolean storesScramKeys() {
        return true;
    }

    long rehashed() {
        return rehashed.sum();
    }

    /** The account, if it is this directory's user (not another directory's mailbox). */
    Optional<AccountInfo> account(String login) throws StoreException {
        Optional<AccountInfo> account = AccountNames.isValid(login) ? store.account(login) : Optional.empty();
        return account.filter(a -> !DirectoryMailboxes.isDirectoryMailbox(a));
    }

    @Override
    public Optional<DirectoryUser> find(String login) throws StoreException {
        return account(login).map(a -> new DirectoryUser(a.name(), true, a.limits()));
    }

    /**
     * A password verified within the cache's TTL, for the account's credentials as they are now,
     * costs one HMAC; any other costs the slow hash, at most {@link HashingGate#size()} at once.
     */
    @Override
    public Verdict verify(String login, String password) throws StoreException {
        Optional<AccountInfo> account = account(login);
        if (account.isEmpty() && !decoyForUnknown) {
            return Verdict.UNKNOWN;
        }
        if (account.isPresent() && cache.verified(account.get(), password)) {
            return accepted(account.get());
        }
        Optional<String> verified = gate.run(() -> verify(account, password));
        if (verified.isPresent() && account.get().importedHash().isEmpty()) {
            cache.remember(account.get(), password); // an imported hash was just replaced: next time
        }
        if (verified.isPresent()) {
            return accepted(account.get());
        }
        return account.isEmpty() ? Verdict.UNKNOWN : new Verdict.Rejected("bad credentials");
    }

    private static Verdict accepted(AccountInfo a) {
        return new Verdict.Accepted(new DirectoryUser(a.name(), true, a.limits()));
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
}
