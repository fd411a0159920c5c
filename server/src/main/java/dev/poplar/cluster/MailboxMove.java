package dev.poplar.cluster;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations.MessageSummary;
import dev.poplar.admin.ServerControl;
import dev.poplar.admin.UserPlacement;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves one mailbox from this node (its owner) to another, run by the owner:
 *
 * <ol>
 *   <li>mark the move in etcd (/poplar/moving/NAME): nginx logins get [SYS/TEMP], Postfix's
 *       lookups TEMP, LMTP here 451, so the MTA holds new mail; wait for deliveries in flight
 *       ({@link MoveBarrier#settle});
 *   <li>end the user's POP3 sessions here (nothing is deleted) and hold the maildrop exclusively:
 *       the mailbox cannot change any more;
 *   <li>create the account on the target with its credentials and limits, copy every message in
 *       order with its UIDL and received time (the migration's copy), and compare the target's
 *       UIDLs, sizes and SHA-256 digests with ours;
 *   <li>switch the directory entry (compare-and-set from this node), end the mark, delete the
 *       old copy.
 * </ol>
 *
 * Before the switch, any failure deletes the target's copy and ends the mark: the user stays
 * here, intact. Running the move again after a crash of this node resumes it (the mark and a
 * partial copy are reused; the copy skips UIDLs the target has).
 */
public final class MailboxMove {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");
    private static final long MAILDROP_WAIT_MILLIS = 30_000;

    private final String self;
    private final EtcdClient etcd;
    private final ClusterView view;
    private final PeerClient peers;
    private final MailStore store;
    private final MoveBarrier barrier;
    private final ServerControl sessions;

    public MailboxMove(
            String self,
            EtcdClient etcd,
            ClusterView view,
            PeerClient peers,
            MailStore store,
            MoveBarrier barrier,
            ServerControl sessions) {
        this.self = self;
        this.etcd = etcd;
        this.view = view;
        this.peers = peers;
        this.store = store;
        this.barrier = barrier;
        this.sessions = sessions;
    }

    /** What a finished move did. */
    public record Moved(int messages, long octets) {}

    public Moved move(String user, String target) throws AdminException {
        if (!AccountNames.isValid(user)) {
            throw new AdminException(AdminException.Kind.INVALID, "not a user name: " + user);
        }
        String name = AccountNames.normalize(user);
        String owner = read(ClusterView.USERS + name)
                .orElseThrow(() ->
                        new AdminException(AdminException.Kind.NOT_FOUND, "no such user in the cluster: " + name));
        if (!owner.equals(self)) {
            throw new AdminException(AdminException.Kind.INVALID, "user " + name + " is on node " + owner);
        }
        if (target.equals(self)) {
            throw new AdminException(AdminException.Kind.INVALID, "user " + name + " is on node " + self + " already");
        }
        NodeInfo to = view.node(target)
                .orElseThrow(() -> unavailable("node " + target + " is not registered in the cluster"));
        boolean resumed = mark(name, target);
        boolean[] ours = {resumed}; // the target's copy is this move's to delete on failure
        boolean switched = false;
        try {
            Moved moved = copyAndSwitch(name, to, ours);
            switched = true;
            finish(name, target);
            return moved;
        } finally {
            if (!switched) {
                abandon(name, to, ours[0]);
            }
        }
    }

    /** @return true when an earlier, interrupted move to the same target is resumed */
    private boolean mark(String name, String target) throws AdminException {
        String key = ClusterView.MOVING + name;
        try {
            if (!etcd.createIfAbsent(key, target)) {
                String other = etcd.get(key).orElse(target);
                if (!other.equals(target)) {
                    throw new AdminException(
                            AdminException.Kind.CONFLICT, "user " + name + " is being moved to node " + other);
                }
                LOG.log(System.Logger.Level.INFO, "cluster_move_resumed user=" + name + " to=" + target);
                view.assumeMoving(name, target);
                barrier.settle(name);
                return true;
            }
        } catch (IOException e) {
            throw unavailable("the cluster directory (etcd) cannot be written: " + e.getMessage());
        }
        view.assumeMoving(name, target);
        barrier.settle(name);
        return false;
    }

    private Moved copyAndSwitch(String name, NodeInfo to, boolean[] ours) throws AdminException {
        try {
            AccountInfo account = store.account(name)
                    .orElseThrow(() -> new AdminException(
                            AdminException.Kind.NOT_FOUND, "the cluster places " + name + " here, but no mailbox"));
            if (!account.appPasswords().isEmpty()) {
                throw new AdminException(
                        AdminException.Kind.INVALID,
                        "user " + name + " has app passwords, which a move does not carry yet: remove them first");
            }
            try (Maildrop drop = holdMaildrop(name)) {
                String created = peers.createCopy(
                        to.auth(),
                        name,
                        new UserPlacement.AccountCopy(
                                account.credentials(), account.importedHash().orElse(null), account.limits()));
                if (created.equals("created")) {
                    ours[0] = true;
                } else if (created.equals("exists") && !ours[0]) {
                    throw new AdminException(
                            AdminException.Kind.CONFLICT,
                            "node " + to.name() + " already has a mailbox " + name + " of its own; nothing was moved");
                } else if (!created.equals("exists")) {
                    throw unavailable("node " + to.name() + " could not create the mailbox: " + created);
                }
                List<MessageSummary> sent = copy(drop, to, name);
                List<MessageSummary> theirs = peers.digests(to.auth(), name);
                if (!sent.equals(theirs)) {
                    throw new AdminException(
                            AdminException.Kind.FAILED,
                            "the copy on node " + to.name() + " differs from this node's (" + theirs.size() + " of "
                                    + sent.size() + " messages); nothing was switched");
                }
                if (!etcd.compareAndSet(ClusterView.USERS + name, self, to.name())) {
                    throw new AdminException(
                            AdminException.Kind.CONFLICT, "the directory entry of " + name + " changed meanwhile");
                }
                view.assume(name, to.name());
                long octets = sent.stream().mapToLong(MessageSummary::octets).sum();
                return new Moved(sent.size(), octets);
            }
        } catch (StoreException e) {
            throw unavailable("this node's store: " + e.getMessage());
        } catch (IOException e) {
            throw unavailable("node " + to.name() + " or etcd did not answer: " + e.getMessage());
        }
    }

    /** Ends the user's sessions here and holds the maildrop, so nothing changes it during the copy. */
    private Maildrop holdMaildrop(String name) throws StoreException, AdminException {
        long deadline = System.currentTimeMillis() + MAILDROP_WAIT_MILLIS;
        while (true) {
            try {
                return store.openMaildrop(name, LockPolicy.EXCLUSIVE);
            } catch (MaildropInUseException inUse) {
                sessions.kickUser(name);
                if (System.currentTimeMillis() > deadline) {
                    throw unavailable("a session of " + name + " still holds the mailbox");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unavailable("interrupted");
                }
            }
        }
    }

    /** Sends every message in order; the digests of what was sent. */
    private List<MessageSummary> copy(Maildrop drop, NodeInfo to, String name) throws StoreException, IOException {
        MessageListing listing = drop.listing();
        Map<Long, Long> received = store.receivedTimes(name);
        List<MessageSummary> sent = new ArrayList<>(listing.size());
        for (int i = 0; i < listing.size(); i++) {
            MessageDigest sha = sha256();
            ByteArrayOutputStream raw = new ByteArrayOutputStream((int) Math.min(listing.octets(i), 1 << 20));
            boolean lineStart = true;
            try (ChunkReader r = drop.read(i)) {
                for (int n; (n = r.next()) >= 0; ) {
                    byte[] b = r.buffer();
                    sha.update(b, 0, n);
                    // The stored form is dot-stuffed (RFC 1939 section 3); the target stuffs again.
                    for (int k = 0; k < n; k++) {
                        if (!(lineStart && b[k] == '.')) {
                            raw.write(b[k]);
                        }
                        lineStart = b[k] == '\n';
                    }
                }
            }
            String uidl = listing.uidl(i);
            peers.append(to.auth(), name, uidl, received.getOrDefault(listing.uid(i), 0L), raw.toByteArray());
            sent.add(new MessageSummary(uidl, listing.octets(i), HexFormat.of().formatHex(sha.digest())));
        }
        return sent;
    }

    private void finish(String name, String target) {
        try {
            etcd.deleteIf(ClusterView.MOVING + name, target);
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster: the move mark of " + name + " stays in etcd: " + e.getMessage());
        }
        view.assumeMoving(name, null);
        try {
            store.deleteAccount(name);
        } catch (StoreException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster: the old copy of " + name + " could not be deleted here (it is not served): "
                            + e.getMessage());
        }
        LOG.log(System.Logger.Level.INFO, "cluster_move_done user=" + name + " to=" + target);
    }

    /** Before the switch: the target's partial copy goes, the user stays here and is served again. */
    private void abandon(String name, NodeInfo to, boolean deleteCopy) {
        try {
            if (deleteCopy) {
                peers.delete(to.auth(), name);
            }
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster: the partial copy of " + name + " on node " + to.name() + " stays: " + e.getMessage());
        }
        try {
            etcd.deleteIf(ClusterView.MOVING + name, to.name());
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster: the move mark of " + name + " stays in etcd: " + e.getMessage());
        }
        view.assumeMoving(name, null);
        LOG.log(System.Logger.Level.WARNING, "cluster_move_abandoned user=" + name + " to=" + to.name());
    }

    private Optional<String> read(String key) throws AdminException {
        try {
            return etcd.get(key);
        } catch (IOException e) {
            throw unavailable("the cluster directory (etcd) cannot be read: " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AdminException unavailable(String why) {
        return new AdminException(AdminException.Kind.UNAVAILABLE, why);
    }
}
