package dev.poplar.admin;

import dev.poplar.auth.PasswordHasher;
import dev.poplar.net.SessionView;
import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Admin operations on a store in this process. */
public final class LocalAdmin implements AdminOperations {
    private final MailStore store;
    private final PasswordHasher hasher;
    private final dev.poplar.auth.PasswordRules rules;
    private final java.nio.file.Path backupRoot;
    private final long maxMessageSize;
    private final dev.poplar.storage.AccountLimits defaults;
    private final double warningRatio;
    private final dev.poplar.retention.MailboxSweep sweep;
    private final ServerControl server;
    private final AutoCloseable onClose;
    private final java.nio.file.Path dataDir;
    private volatile UserPlacement placement = UserPlacement.SINGLE_NODE;

    /**
     * Backups are written only under {@code config.backupRoot()} (poplar.backup-root): the admin API
     * must not let a token holder write wherever the server's user can.
     */
    public LocalAdmin(
            MailStore store,
            PasswordHasher hasher,
            dev.poplar.config.PoplarConfig config,
            ServerControl server,
            dev.poplar.retention.MailboxSweep sweep,
            java.nio.file.Path dataDir,
            AutoCloseable onClose) {
        this.sweep = sweep;
        this.rules = new dev.poplar.auth.PasswordRules(config.auth().minPasswordLength());
        this.backupRoot = config.backupRoot().toAbsolutePath().normalize();
        this.dataDir = dataDir;
        this.store = store;
        this.hasher = hasher;
        this.maxMessageSize = config.lmtp().maxMessageSize();
        this.defaults = config.limits();
        this.warningRatio = config.quota().warningRatio();
        this.server = server;
        this.onClose = onClose;
    }

    @Override
    public void addUser(String name, String password) throws AdminException {
        String key = validName(name);
        checkPassword(password);
        placement.add(key, password, here);
    }

    /** In a cluster: new users go where the cluster places them (docs/scale-out.md). */
    public void placeUsersWith(UserPlacement placement) {
        this.placement = placement;
    }

    /** This node's own store, for the placement (and for node-to-node calls that create users here). */
    public final UserPlacement.Here here = new UserPlacement.Here() {
        @Override
        public void create(String name, String password) throws AdminException {
            String key = validName(name);
            checkPassword(password);
            onStore(key, () -> store.createAccount(key, hasher.hash(password)));
        }

        @Override
        public boolean delete(String name) throws AdminException {
            String key = validName(name);
            return onStore(key, () -> store.deleteAccount(key));
        }

        @Override
        public void createCopy(String name, UserPlacement.AccountCopy copy) throws AdminException {
            String key = validName(name);
            onStore(key, () -> {
                store.createAccount(key, copy.credentials(), copy.importedHash());
                store.setLimits(key, copy.limits());
                return null;
            });
        }

        @Override
        public boolean append(String name, MigratedMessage message) throws AdminException {
            return migrate(name, List.of(message)).stored() == 1;
        }

        @Override
        public List<MessageSummary> digests(String name) throws AdminException {
            return messages(name, true);
        }
    };

    @Override
    public void setPassword(String name, String password) throws AdminException {
        String key = validName(name);
        checkPassword(password);
        onStore(key, () -> {
            store.setCredentials(key, hasher.hash(password));
            return null;
        });
    }

    @Override
    public void deleteUser(String name) throws AdminException {
        placement.delete(validName(name), here);
    }

    @Override
    public Page<String> listUsers(String prefix, String after, int limit) throws AdminException {
        int n = pageSize(limit);
        String start = prefix(prefix);
        List<String> names = onStore("", () -> store.accountNames(start, after, n));
        return new Page<>(names, names.size() == n ? names.getLast() : null);
    }

    @Override
    public Page<MailboxStats> mailboxes(String prefix, String after, int limit) throws AdminException {
        int n = pageSize(limit);
        String start = prefix(prefix);
        List<MailboxStats> page = onStore("", () -> store.mailboxes(start, after, n));
        return new Page<>(
                page.stream().map(s -> s.resolved(defaults)).toList(),
                page.size() == n ? page.getLast().name() : null);
    }

    @Override
    public NodeSummary summary(int top) throws AdminException {
        if (top < 0 || top > MAX_PAGE) {
            throw new AdminException(AdminException.Kind.INVALID, "top must be between 0 and " + MAX_PAGE);
        }
        MailboxCensus census = new MailboxCensus(top, warningRatio);
        String after = null;
        do {
            Page<MailboxStats> page = mailboxes("", after, MAX_PAGE);
            page.items().forEach(census::add);
            after = page.next();
        } while (after != null);
        return census.summary();
    }

    @Override
    public void setLimits(String name, LimitChange change) throws AdminException {
        String key = validName(name);
        dev.poplar.storage.AccountLimits now = onStore(
                        key, () -> store.account(key).orElseThrow(() -> notFound(key)))
                .limits();
        dev.poplar.storage.AccountLimits next;
        try {
            next = new dev.poplar.storage.AccountLimits(
                    change.quotaSize() == null
                            ? now.maxOctets()
                            : dev.poplar.config.LimitSyntax.quotaSize(change.quotaSize()),
                    change.quotaMessages() == null
                            ? now.maxMessages()
                            : dev.poplar.config.LimitSyntax.quotaMessages(change.quotaMessages()),
                    change.retention() == null
                            ? now.retentionMillis()
                            : dev.poplar.config.LimitSyntax.retention(change.retention()));
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
        onStore(key, () -> {
            store.setLimits(key, next);
            return null;
        });
    }

    @Override
    public dev.poplar.retention.MailboxSweep.Result sweep() throws AdminException {
        try {
            return sweep.sweep();
        } catch (StoreException e) {
            throw storeFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted while sweeping");
        }
    }

    /** The most names or mailboxes one page may hold: bounds the server's and the client's memory. */
    static final int MAX_PAGE = 10_000;

    private static int pageSize(int limit) throws AdminException {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new AdminException(AdminException.Kind.INVALID, "limit must be between 1 and " + MAX_PAGE);
        }
        return limit;
    }

    private static String prefix(String prefix) throws AdminException {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        try {
            return AccountNames.normalize(prefix);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "prefix: " + e.getMessage());
        }
    }

    /** Users created per synced write in a bulk import. */
    private static final int CREATE_BATCH = 1000;

    /**
     * One batch of a bulk import (the CLI streams a file in batches). New users are created
     * {@value #CREATE_BATCH} per synced write; their passwords are hashed first on one platform
     * thread per core (PBKDF2 is the cost of a plaintext import on purpose), while imported hashes
     * cost no hashing at all: they are stored as they are and checked at the first login. Existing
     * users are compared (a plaintext password costs one hash to compare) unless
     * {@code skipExisting}, which is what makes resuming an interrupted import cheap.
     */
    @Override
    public ImportResult importUsers(String fileContent, boolean hashed, boolean skipExisting) throws AdminException {
        List<UserFile.Entry> entries = UserFile.parse(fileContent, hashed);
        if (!hashed) {
            List<String> refused = new ArrayList<>();
            for (UserFile.Entry e : entries) {
                rules.problem(e.password()).ifPresent(p -> refused.add("user " + e.name() + ": " + p));
            }
            if (!refused.isEmpty()) {
                throw new AdminException(
                        AdminException.Kind.INVALID,
                        refused.size() + " users have unacceptable passwords; "
                                + "nothing was imported:\n  "
                                + String.join("\n  ", refused.subList(0, Math.min(20, refused.size())))
                                + (refused.size() > 20 ? "\n  ..." : ""));
            }
        }
        List<UserFile.Entry> fresh = new ArrayList<>();
        List<UserFile.Entry> present = new ArrayList<>();
        for (UserFile.Entry e : entries) {
            (onStore(e.name(), () -> store.account(e.name())).isPresent() ? present : fresh).add(e);
        }
        List<PasswordCredentials> credentials = hashed
                ? fresh.stream().map(e -> placeholder()).toList()
                : onCores(fresh, e -> hasher.hash(e.password()));
        int created = 0;
        for (int from = 0; from < fresh.size(); from += CREATE_BATCH) {
            List<dev.poplar.storage.AccountStore.NewAccount> batch = new ArrayList<>();
            for (int i = from; i < Math.min(fresh.size(), from + CREATE_BATCH); i++) {
                UserFile.Entry e = fresh.get(i);
                batch.add(new dev.poplar.storage.AccountStore.NewAccount(
                        e.name(), credentials.get(i), hashed ? e.password() : null));
            }
            List<Boolean> made = onStore("", () -> store.createAccounts(batch));
            for (int i = 0; i < made.size(); i++) {
                if (made.get(i)) {
                    created++;
                } else {
                    present.add(fresh.get(from + i)); // created meanwhile: compared below
                }
            }
        }
        if (skipExisting) {
            return new ImportResult(created, 0, present.size());
        }
        List<Boolean> changed = hashed ? onVirtual(present, this::updateHash) : onCores(present, this::updatePassword);
        int updated = (int) changed.stream().filter(c -> c).count();
        return new ImportResult(created, updated, present.size() - updated);
    }

    /**
     * An existing user in a hashed import: updated when its imported hash changed. A user whose
     * password Poplar holds in its own form (logged in since, or set with passwd) keeps it: a re-run
     * of the import must not undo a password change.
     */
    private boolean updateHash(UserFile.Entry e) throws StoreException {
        Optional<AccountInfo> existing = store.account(e.name());
        if (existing.isEmpty()
                || existing.get().importedHash().map(e.password()::equals).orElse(true)) {
            return false;
        }
        store.setImportedHash(e.name(), placeholder(), e.password());
        return true;
    }

    /** An existing user in a plaintext import: updated unless the password is already this one. */
    private boolean updatePassword(UserFile.Entry e) throws StoreException {
        Optional<AccountInfo> existing = store.account(e.name());
        if (existing.isPresent() && PasswordHasher.verify(existing.get().credentials(), e.password())) {
            return false;
        }
        store.setCredentials(e.name(), hasher.hash(e.password()));
        return true;
    }

    /** {@code task} for each entry on one platform thread per core (hashing), results in order. */
    private <R> List<R> onCores(List<UserFile.Entry> entries, UserTask<R> task) throws AdminException {
        return forEachUser(
                entries,
                Executors.newFixedThreadPool(
                        Math.max(1, Runtime.getRuntime().availableProcessors()),
                        Thread.ofPlatform().name("poplar-import-", 0).factory()),
                task);
    }

    /** {@code task} for each entry on 64 virtual threads (synced writes share WAL syncs), results in order. */
    private <R> List<R> onVirtual(List<UserFile.Entry> entries, UserTask<R> task) throws AdminException {
        return forEachUser(
                entries,
                Executors.newFixedThreadPool(
                        64, Thread.ofVirtual().name("poplar-import-", 0).factory()),
                task);
    }

    @FunctionalInterface
    private interface UserTask<R> {
        R run(UserFile.Entry entry) throws StoreException;
    }

    /** Runs {@code task} for every entry on {@code pool} (closed after), mapping failures to admin errors. */
    private <R> List<R> forEachUser(List<UserFile.Entry> entries, ExecutorService pool, UserTask<R> task)
            throws AdminException {
        try (pool) {
            List<Future<R>> futures = new ArrayList<>();
            for (UserFile.Entry e : entries) {
                futures.add(pool.submit(() -> task.run(e)));
            }
            List<R> results = new ArrayList<>(futures.size());
            for (Future<R> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw storeFailure(se);
            }
            throw new AdminException(AdminException.Kind.FAILED, "import failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "import interrupted");
        }
    }

    /** SCRAM keys that match no password: an imported user's until its first login re-hashes it. */
    private PasswordCredentials placeholder() {
        return hasher.placeholder();
    }

    @Override
    public long deliver(String name, java.io.InputStream message) throws AdminException {
        String key = validName(name);
        return store(key, List.of(wireForm(message))).getFirst();
    }

    /** Delivers several messages to one mailbox in one synced write; returns their UIDs. */
    @Override
    public List<Long> deliverAll(String name, List<byte[]> rawMessages) throws AdminException {
        String key = validName(name);
        List<WireMessage> wires = new ArrayList<>(rawMessages.size());
        for (byte[] raw : rawMessages) {
            wires.add(wireForm(new java.io.ByteArrayInputStream(raw)));
        }
        return store(key, wires);
    }

    /**
     * Streams a raw message into its wire form, a buffer at a time: reading stops as soon as it
     * is over the limit (DESIGN invariant 9), so an oversized upload costs no more than the limit.
     * The same rule holds whether the CLI runs against the store or through a server.
     */
    private WireMessage wireForm(java.io.InputStream in) throws AdminException {
        WireMessageBuilder b = new WireMessageBuilder(maxMessageSize);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                b.appendRaw(buffer, 0, n);
                if (b.overflowed()) {
                    throw new AdminException(
                            AdminException.Kind.TOO_LARGE,
                            "the message exceeds poplar.lmtp.max-message-size (" + maxMessageSize
                                    + " octets); nothing was delivered");
                }
            }
        } catch (java.io.IOException e) {
            throw new AdminException(AdminException.Kind.INVALID, "cannot read the message: " + e.getMessage());
        }
        if (total == 0) {
            throw new AdminException(AdminException.Kind.INVALID, "the message is empty; nothing was delivered");
        }
        return b.build();
    }

    private List<Long> store(String key, List<WireMessage> wires) throws AdminException {
        List<Delivery> deliveries = new ArrayList<>(wires.size());
        for (WireMessage wire : wires) {
            deliveries.add(Delivery.of(key, "Delivered-To: " + key + "\r\n", wire));
        }
        List<Long> uids = new ArrayList<>();
        for (DeliveryOutcome o : onStore(key, () -> store.deliver(deliveries))) {
            switch (o) {
                case DeliveryOutcome.Delivered d -> uids.add(d.uid());
                case DeliveryOutcome.UnknownRecipient u -> throw notFound(key);
                // An operator's delivery is not held to the quota (none is passed): never here.
                case DeliveryOutcome.OverQuota q ->
                    throw new AdminException(AdminException.Kind.INVALID, "mailbox " + key + " is over its quota");
            }
        }
        return uids;
    }

    @Override
    public MailboxStats stats(String name) throws AdminException {
        String key = validName(name);
        return onStore(key, () -> store.stats(key)).resolved(defaults);
    }

    @Override
    public MigrationBatch migrate(String name, List<MigratedMessage> messages) throws AdminException {
        String key = validName(name);
        return onStore(key, () -> {
            dev.poplar.storage.MessageListing listing = store.listing(key);
            java.util.Set<String> present = new java.util.HashSet<>();
            for (int i = 0; i < listing.size(); i++) {
                present.add(listing.uidl(i));
            }
            List<Delivery> deliveries = new ArrayList<>();
            int already = 0;
            for (MigratedMessage m : messages) {
                if (!present.add(m.uidl())) {
                    already++;
                    continue;
                }
                WireMessage wire = wireForm(new java.io.ByteArrayInputStream(m.raw()));
                try {
                    deliveries.add(Delivery.migrated(key, wire, m.uidl(), m.receivedMillis()));
                } catch (IllegalArgumentException e) {
                    throw new AdminException(
                            AdminException.Kind.INVALID, "message " + m.uidl() + ": " + e.getMessage());
                }
            }
            if (!deliveries.isEmpty()) {
                store.deliver(deliveries);
            }
            return new MigrationBatch(deliveries.size(), already);
        });
    }

    @Override
    public List<MessageSummary> messages(String name, boolean digests) throws AdminException {
        String key = validName(name);
        return onStore(key, () -> {
            if (digests) {
                try (dev.poplar.storage.Maildrop drop = store.openMaildrop(key, dev.poplar.storage.LockPolicy.SHARED)) {
                    List<MessageSummary> out = new ArrayList<>();
                    dev.poplar.storage.MessageListing l = drop.listing();
                    for (int i = 0; i < l.size(); i++) {
                        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                        try (dev.poplar.storage.ChunkReader r = drop.read(i)) {
                            for (int n; (n = r.next()) >= 0; ) {
                                sha.update(r.buffer(), 0, n);
                            }
                        }
                        out.add(new MessageSummary(
                                l.uidl(i), l.octets(i), java.util.HexFormat.of().formatHex(sha.digest())));
                    }
                    return out;
                } catch (dev.poplar.storage.MaildropInUseException inUse) {
                    // a POP3 session holds it: sizes and UIDLs only
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            dev.poplar.storage.MessageListing l = store.listing(key);
            List<MessageSummary> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(new MessageSummary(l.uidl(i), l.octets(i), null));
            }
            return out;
        });
    }

    /**
     * App passwords are generated, not chosen ({@link dev.poplar.auth.AppPasswords}): shown once and
     * stored only as PBKDF2-derived keys, with an identifier no other of the user's app passwords has.
     */
    @Override
    public String addAppPassword(String name, String label) throws AdminException {
        String key = validName(name);
        List<dev.poplar.storage.AppPassword> existing = onStore(key, () -> store.account(key))
                .orElseThrow(() -> notFound(key))
                .appPasswords();
        dev.poplar.auth.AppPasswords.Generated generated;
        do {
            generated = dev.poplar.auth.AppPasswords.generate(hasher);
        } while (dev.poplar.auth.AppPasswords.identifierTaken(existing, generated.password()));
        String password = generated.password();
        dev.poplar.storage.AppPassword entry;
        try {
            entry = new dev.poplar.storage.AppPassword(label, System.currentTimeMillis(), generated.credentials());
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
        if (existing.size() >= dev.poplar.storage.AppPassword.MAX_PER_ACCOUNT) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "user " + key + " already has " + dev.poplar.storage.AppPassword.MAX_PER_ACCOUNT
                            + " app passwords; revoke one first");
        }
        onStore(key, () -> {
            store.addAppPassword(key, entry);
            return null;
        });
        return password;
    }

    @Override
    public List<AppPasswordInfo> appPasswords(String name) throws AdminException {
        String key = validName(name);
        return onStore(key, () -> store.account(key)).orElseThrow(() -> notFound(key)).appPasswords().stream()
                .map(a -> new AppPasswordInfo(a.label(), java.time.Instant.ofEpochMilli(a.createdMillis())))
                .toList();
    }

    @Override
    public void revokeAppPassword(String name, String label) throws AdminException {
        String key = validName(name);
        if (!onStore(key, () -> store.revokeAppPassword(key, label))) {
            throw new AdminException(
                    AdminException.Kind.NOT_FOUND, "user " + key + " has no app password labelled " + label);
        }
    }

    /**
     * A checkpoint of the store (and the APOP key) in a new directory under poplar.backup-root:
     * {@code dir} is a name relative to it, or an absolute path inside it. The backup is private
     * (directory 0700, files 0600) whatever the umask: it holds every message and credential.
     */
    @Override
    public long backup(String dir) throws AdminException {
        java.nio.file.Path target = backupTarget(dir);
        try {
            java.nio.file.Files.createDirectory(
                    target,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            store.checkpoint(target.resolve("store"));
            java.nio.file.Path apopKey = dataDir.resolve("apop.key");
            if (java.nio.file.Files.exists(apopKey)) {
                java.nio.file.Files.copy(
                        apopKey, target.resolve("apop.key"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            long accounts = countAccounts();
            java.nio.file.Files.writeString(
                    target.resolve("BACKUP"),
                    "poplar-backup 1\ncreated " + java.time.Instant.now() + "\naccounts " + accounts + "\n");
            new dev.poplar.server.DataDirectory(target).secure();
            return accounts;
        } catch (java.io.IOException e) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "cannot write the backup to " + target + ": " + dev.poplar.io.IoErrors.describe(e));
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    /** Counts accounts a page at a time: no list of every name in memory. */
    private long countAccounts() throws AdminException {
        long n = 0;
        String after = null;
        do {
            Page<String> page = listUsers("", after, MAX_PAGE);
            n += page.items().size();
            after = page.next();
        } while (after != null);
        return n;
    }

    /** The backup directory for {@code dir}: new, and inside poplar.backup-root (symbolic links resolved). */
    private java.nio.file.Path backupTarget(String dir) throws AdminException {
        if (dir == null || dir.isBlank()) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "name the backup directory (under poplar.backup-root " + backupRoot + ")");
        }
        java.nio.file.Path target = backupRoot.resolve(dir).normalize();
        if (!target.startsWith(backupRoot) || target.equals(backupRoot)) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "backups are written under poplar.backup-root (" + backupRoot + "); " + dir
                            + " is outside it. Give a name, or set poplar.backup-root");
        }
        try {
            java.nio.file.Files.createDirectories(
                    backupRoot,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            java.nio.file.Files.createDirectories(target.getParent());
            java.nio.file.Path realRoot = backupRoot.toRealPath();
            if (!target.getParent().toRealPath().startsWith(realRoot)) {
                throw new AdminException(
                        AdminException.Kind.INVALID,
                        dir + " leads outside poplar.backup-root (" + backupRoot + ") through a symbolic link");
            }
        } catch (java.io.IOException e) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "cannot use poplar.backup-root " + backupRoot + ": " + dev.poplar.io.IoErrors.describe(e));
        }
        if (java.nio.file.Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new AdminException(
                    AdminException.Kind.INVALID, target + " exists; a backup goes into a new directory");
        }
        return target;
    }

    @Override
    public void setApopSecret(String name, String secret) throws AdminException {
        String key = validName(name);
        byte[] sealed = null;
        if (secret != null) {
            checkPassword(secret);
            try {
                sealed = dev.poplar.auth.ApopSecrets.open(dataDir).seal(secret);
            } catch (java.io.IOException e) {
                throw new AdminException(
                        AdminException.Kind.FAILED,
                        "cannot use data-dir/apop.key: " + dev.poplar.io.IoErrors.describe(e));
            }
        }
        byte[] value = sealed;
        onStore(key, () -> {
            store.setApopSecret(key, value);
            return null;
        });
    }

    @Override
    public ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws AdminException {
        String key = validName(name);
        return onStore(key, () -> store.expunge(key, criteria));
    }

    @Override
    public List<SessionView> who() throws AdminException {
        requireServer("who");
        return server.sessions();
    }

    @Override
    public int kick(String user, String sessionId) throws AdminException {
        requireServer("kick");
        if ((user == null) == (sessionId == null)) {
            throw new AdminException(AdminException.Kind.INVALID, "kick needs either a user or a session id");
        }
        if (sessionId != null) {
            if (!server.kickSession(sessionId)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "no live session " + sessionId);
            }
            return 1;
        }
        String key = validName(user);
        if (onStore(key, () -> store.account(key)).isEmpty()) {
            throw notFound(key); // a typo must not look like "nothing to kick"
        }
        return server.kickUser(key);
    }

    @Override
    public int flushDirectoryCache(String user) throws AdminException {
        requireServer("directory flush");
        if (user != null && !dev.poplar.storage.AccountNames.isValid(user)) {
            throw new AdminException(AdminException.Kind.INVALID, "no user can be named '" + user + "'");
        }
        return server.flushDirectoryCache(
                user == null ? Optional.empty() : Optional.of(dev.poplar.storage.AccountNames.normalize(user)));
    }

    @Override
    public ServerControl.DrainStatus drain() throws AdminException {
        requireServer("drain");
        return server.drain();
    }

    private void requireServer(String what) throws AdminException {
        if (server == ServerControl.NONE) {
            throw new AdminException(
                    AdminException.Kind.UNAVAILABLE,
                    what + " needs a running server, and none holds this data directory");
        }
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static String validName(String name) throws AdminException {
        try {
            return AccountNames.normalize(name);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "invalid user name: " + e.getMessage());
        }
    }

    private void checkPassword(String password) throws AdminException {
        var problem = rules.problem(password);
        if (problem.isPresent()) {
            throw new AdminException(AdminException.Kind.INVALID, problem.get());
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws StoreException, AdminException;
    }

    /**
     * The one mapping of store failures to admin errors, for every operation: no such user is
     * NOT_FOUND (HTTP 404, exit 3), a name or label taken is CONFLICT (409, exit 4), a temporary
     * failure UNAVAILABLE (503, exit 75), anything else FAILED (500, exit 70).
     */
    private static <T> T onStore(String user, StoreCall<T> call) throws AdminException {
        try {
            return call.run();
        } catch (NoSuchAccountException e) {
            throw notFound(user);
        } catch (AccountExistsException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, e.getMessage());
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    private static AdminException notFound(String key) {
        return new AdminException(AdminException.Kind.NOT_FOUND, "no such user: " + key);
    }

    private static AdminException storeFailure(StoreException e) {
        return new AdminException(
                e.temporary() ? AdminException.Kind.UNAVAILABLE : AdminException.Kind.FAILED,
                "store error: " + e.getMessage());
    }
}
