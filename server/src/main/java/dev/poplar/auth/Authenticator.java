package dev.poplar.auth;

import dev.poplar.directory.DirectoryMailboxes;
import dev.poplar.directory.DirectoryUser;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.Verdict;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks credentials against the user directories of poplar.directory.chain, in order: the first
 * directory that has the user decides (a wrong password there is final, so a guess is never
 * tried against a second directory); one that cannot answer makes the login fail for now
 * ([SYS/TEMP]), never falls through. A directory user's mailbox is created in the store at its
 * first login (DirectoryMailboxes). SCRAM answers an unknown user with a salt derived from a key
 * kept in the data directory, so it does not change across restarts while real salts stay.
 */
public final class Authenticator {
    /** The name of Poplar's own store in poplar.directory.chain. */
    public static final String INTERNAL = "internal";

    private final AccountStore store;
    private final PasswordCredentials decoy;
    private final byte[] decoyKey;
    private final CredentialCache cache;
    private final HashingGate gate;
    private final StoreDirectory internal;
    private final List<UserDirectory> chain;
    private final DirectoryMailboxes mailboxes;

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
        this(store, hasher, decoyKey, rehashImported, cache, gate, List.of(INTERNAL), Map.of());
    }

    /**
     * @param order    directory names in the order they are asked ({@link #INTERNAL} for the store)
     * @param external the other directories by name
     */
    public Authenticator(
            AccountStore store,
            PasswordHasher hasher,
            byte[] decoyKey,
            boolean rehashImported,
            CredentialCache cache,
            HashingGate gate,
            List<String> order,
            Map<String, UserDirectory> external) {
        this.store = store;
        this.decoy = hasher.hash("decoy password that matches nothing");
        this.decoyKey = decoyKey.clone();
        this.cache = cache;
        this.gate = gate;
        boolean internalLast = !order.isEmpty() && order.getLast().equals(INTERNAL);
        this.internal = new StoreDirectory(store, hasher, decoy, rehashImported, internalLast, cache, gate);
        List<UserDirectory> list = new ArrayList<>();
        for (String name : order) {
            UserDirectory d = name.equals(INTERNAL) ? internal : external.get(name);
            if (d == null) {
                throw new IllegalArgumentException("no directory named " + name);
            }
            list.add(d);
        }
        this.chain = List.copyOf(list);
        this.mailboxes = new DirectoryMailboxes(store, hasher::placeholder);
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

    /** The directories in the order they are asked. */
    public List<UserDirectory> chain() {
        return chain;
    }

    /** Imported hashes replaced by Poplar's own form after a login (poplar_auth_password_rehashes_total). */
    public long rehashed() {
        return internal.rehashed();
    }

    /**
     * True when SCRAM-SHA-256 can succeed for every user: only the internal directory keeps SCRAM
     * keys, so a chain with another directory does not advertise it (its users' clients would pick
     * it and fail).
     */
    public boolean scramForEveryone() {
        return chain.stream().allMatch(UserDirectory::storesScramKeys);
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * The account name when the password (or an app password) is right for the first directory
     * of the chain that has the user; its mailbox is created if it is a directory user's first
     * login.
     *
     * @throws StoreException when a directory or the store cannot answer now (temporary)
     */
    public Optional<String> authenticate(String user, String password) throws StoreException {
        if (!AccountNames.isValid(user)) {
            // Never sent to a directory; the internal one hashes its decoy when it ends the chain.
            return chain.contains(internal) ? verdict(internal, internal.verify(user, password)) : Optional.empty();
        }
        String login = AccountNames.normalize(user);
        for (UserDirectory d : chain) {
            Verdict v = d.verify(login, password);
            if (!(v instanceof Verdict.Unknown)) {
                return verdict(d, v);
            }
        }
        return Optional.empty();
    }

    private Optional<String> verdict(UserDirectory d, Verdict v) throws StoreException {
        return switch (v) {
            case Verdict.Accepted a -> {
                if (d != internal) {
                    mailboxes.ensure(d.name(), a.user());
                }
                yield Optional.of(a.user().name());
            }
            case Verdict.Rejected r -> Optional.empty();
            case Verdict.Unknown u -> Optional.empty();
        };
    }

    /**
     * The account a login name or recipient address names in the first directory that has it,
     * its mailbox created if missing (LMTP RCPT, bearer tokens). Disabled directory users are
     * found: their mail is delivered, only their logins are refused.
     */
    public Optional<String> existing(String user) throws StoreException {
        if (!AccountNames.isValid(user)) {
            return Optional.empty();
        }
        String login = AccountNames.normalize(user);
        for (UserDirectory d : chain) {
            Optional<DirectoryUser> found = d.find(login);
            if (found.isPresent()) {
                if (d != internal) {
                    mailboxes.ensure(d.name(), found.get());
                }
                return Optional.of(found.get().name());
            }
        }
        return Optional.empty();
    }

    /** SCRAM material: the account (null when unknown) and its keys, or decoy keys that never match. */
    public record ScramLookup(String account, PasswordCredentials credentials) {}

    public ScramLookup scramCredentials(String user) throws StoreException {
        Optional<AccountInfo> account = internal.account(user);
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
}
