package dev.poplar.cluster;

import dev.poplar.proxy.OwnerRouting;
import dev.poplar.storage.AccountNames;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The cluster's answer to "who serves this user": the owner in the directory copy; this node
 * when the directory does not know the user (its own chain decides, as on a single node); nobody
 * when the owner is not registered (down, or cut off from etcd for longer than its lease).
 */
public final class ClusterRouting implements OwnerRouting {
    private final String self;
    private final ClusterView view;
    private final PeerClient peers;

    public ClusterRouting(String self, ClusterView view, PeerClient peers) {
        this.self = self;
        this.view = view;
        this.peers = peers;
    }

    /** The directory's key of a login name: its normalized account name. */
    static String key(String login) {
        return AccountNames.isValid(login) ? AccountNames.normalize(login) : login;
    }

    /** The owner of {@code user} when it is another node. */
    public Optional<String> elsewhere(String user) {
        return view.owner(key(user)).filter(owner -> !owner.equals(self));
    }

    /** The target of a move of {@code user} in progress. */
    public Optional<String> moving(String user) {
        return view.movingTo(key(user));
    }

    /** False until this node has read the directory once (it started while etcd was away). */
    boolean ready() {
        return view.loaded();
    }

    @Override
    public Route route(String user) {
        if (!view.loaded()) {
            return new Unavailable("the cluster directory has not been read from etcd yet");
        }
        Optional<String> target = moving(user);
        if (target.isPresent()) {
            return new Unavailable("the mailbox is being moved to node " + target.get());
        }
        Optional<String> owner = elsewhere(user);
        if (owner.isEmpty()) {
            return new Local();
        }
        Optional<NodeInfo> node = view.node(owner.get());
        if (node.isEmpty()) {
            return new Unavailable("node " + owner.get() + " is not registered in the cluster");
        }
        Optional<HostPort> pop3 = HostPort.parse(node.get().pop3());
        if (pop3.isEmpty() || node.get().auth().isEmpty()) {
            return new Unavailable("node " + owner.get() + " runs no POP3 or auth_http listener");
        }
        return new Remote(
                owner.get(), pop3.get().host(), pop3.get().port(), node.get().auth());
    }

    @Override
    public Verdict verify(Remote owner, String user, String password, InetAddress client) {
        return peers.verify(owner.peer(), user, password, client);
    }
}
