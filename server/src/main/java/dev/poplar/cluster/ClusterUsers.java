package dev.poplar.cluster;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.UserPlacement;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Creating and deleting users in a cluster, from any node. The placement rule: a new user goes to
 * the live node that owns the fewest users (ties: the first name), so nodes added later fill up
 * first. The directory entry is claimed in etcd before the mailbox is made (two nodes adding the
 * same name at once: one wins, the other says it exists) and given back if the owner cannot make
 * it. Both need etcd: without it they fail with a temporary error that says so.
 */
public final class ClusterUsers implements UserPlacement {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");

    private final String self;
    private final EtcdClient etcd;
    private final ClusterView view;
    private final PeerClient peers;

    public ClusterUsers(String self, EtcdClient etcd, ClusterView view, PeerClient peers) {
        this.self = self;
        this.etcd = etcd;
        this.view = view;
        this.peers = peers;
    }

    /** The node a new user goes to: the live node, not being drained, with the fewest users. */
    public static Optional<String> choose(
            Map<String, Long> usersPerNode, Map<String, NodeInfo> live, java.util.function.Predicate<String> draining) {
        return live.values().stream()
                .filter(n -> !n.pop3().isEmpty() && !n.auth().isEmpty() && !draining.test(n.name()))
                .map(NodeInfo::name)
                .min(Comparator.comparingLong((String n) -> usersPerNode.getOrDefault(n, 0L))
                        .thenComparing(Comparator.naturalOrder()));
    }

    @Override
    public void add(String name, String password, Here here) throws AdminException {
        Map<String, NodeInfo> live = view.nodes();
        String node = choose(view.usersPerNode(), live, view::draining)
                .orElseThrow(() -> unavailable("no node of the cluster is registered with POP3 and auth_http"));
        String key = ClusterView.USERS + name;
        try {
            if (!etcd.createIfAbsent(key, node)) {
                throw new AdminException(
                        AdminException.Kind.CONFLICT,
                        "user " + name + " already exists (on node "
                                + etcd.get(key).orElse("?") + ")");
            }
        } catch (IOException e) {
            throw unavailable("the cluster directory (etcd) cannot be written: " + e.getMessage());
        }
        try {
            if (node.equals(self)) {
                here.create(name, password);
            } else {
                createOn(live.get(node), name, password);
            }
        } catch (AdminException e) {
            release(key, node);
            throw e;
        }
        view.assume(name, node);
        LOG.log(System.Logger.Level.INFO, "cluster_user_added user=" + name + " node=" + node);
    }

    private void createOn(NodeInfo node, String name, String password) throws AdminException {
        String result;
        try {
            result = peers.create(node.auth(), name, password);
        } catch (IOException e) {
            throw unavailable("node " + node.name() + " did not answer: " + e.getMessage());
        }
        if (result.equals("created")) {
            return;
        }
        if (result.equals("exists")) {
            throw new AdminException(
                    AdminException.Kind.CONFLICT,
                    "node " + node.name() + " already has a mailbox " + name + " outside the cluster directory; "
                            + "a node lists its own mailboxes in the directory when it starts");
        }
        if (result.startsWith("invalid ")) {
            throw new AdminException(AdminException.Kind.INVALID, result.substring(8));
        }
        throw unavailable("node " + node.name() + ": " + result);
    }

    @Override
    public void delete(String name, Here here) throws AdminException {
        String key = ClusterView.USERS + name;
        Optional<String> owner;
        try {
            owner = etcd.get(key);
        } catch (IOException e) {
            throw unavailable("the cluster directory (etcd) cannot be read: " + e.getMessage());
        }
        if (owner.isEmpty() || owner.get().equals(self)) {
            boolean had = here.delete(name);
            if (owner.isPresent()) {
                release(key, self);
                view.assume(name, null);
            } else if (!had) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "no such user: " + name);
            }
            return;
        }
        NodeInfo node = view.node(owner.get())
                .orElseThrow(() -> unavailable("user " + name + " lives on node " + owner.get() + ", which is down"));
        String result;
        try {
            result = peers.delete(node.auth(), name);
        } catch (IOException e) {
            throw unavailable("node " + node.name() + " did not answer: " + e.getMessage());
        }
        if (result.startsWith("unavailable")) {
            throw unavailable("node " + node.name() + ": " + result);
        }
        release(key, owner.get());
        view.assume(name, null);
    }

    /** Gives a directory entry back; if etcd is away now, the entry names a node without the mailbox. */
    private void release(String key, String node) {
        try {
            etcd.deleteIf(key, node);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: could not remove " + key + " from etcd: " + e.getMessage());
        }
    }

    private static AdminException unavailable(String why) {
        return new AdminException(AdminException.Kind.UNAVAILABLE, why);
    }
}
