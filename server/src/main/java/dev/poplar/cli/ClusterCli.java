package dev.poplar.cli;

import dev.poplar.cluster.ClusterUsers;
import dev.poplar.cluster.ClusterView;
import dev.poplar.cluster.EtcdClient;
import dev.poplar.cluster.NodeInfo;
import dev.poplar.cluster.PeerClient;
import dev.poplar.config.PoplarConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What `poplar cluster move` and `drain-node` do: read the directory from etcd, then ask each
 * mailbox's owner to move it (the owner runs the move: dev.poplar.cluster.MailboxMove), with the
 * cluster's shared key from the configuration.
 */
final class ClusterCli {
    private ClusterCli() {}

    /** True (after saying so) when this configuration names no cluster: the command's exit 1. */
    static boolean notInCluster(PoplarConfig c) {
        if (c.cluster().etcd().isEmpty()) {
            System.err.println("poplar: poplar.cluster.etcd is not set: this node is not in a cluster");
            return true;
        }
        return false;
    }

    /** The directory, read whole; null (after saying why) when etcd does not answer: exit 75. */
    static ClusterView view(PoplarConfig c) {
        ClusterView view =
                ClusterView.start(new EtcdClient(c.cluster().etcd(), Duration.ofSeconds(5)), Duration.ofSeconds(60));
        if (!view.loaded()) {
            view.close();
            System.err.println(
                    "poplar: etcd at " + c.cluster().etcd() + " did not answer; the cluster directory cannot be read");
            return null;
        }
        return view;
    }

    /** Moves one user; says what happened. */
    static boolean move(PoplarConfig c, ClusterView view, String user, String target) {
        Optional<String> owner = view.owner(user);
        if (owner.isEmpty()) {
            System.err.println("poplar: no user " + user + " in the cluster directory");
            return false;
        }
        Optional<NodeInfo> from = view.node(owner.get());
        if (from.isEmpty() || from.get().auth().isEmpty()) {
            System.err.println("poplar: node " + owner.get() + ", which holds " + user + ", is down; start it first");
            return false;
        }
        String result;
        try {
            result = new PeerClient(c.nginx().authKey(), Duration.ofSeconds(30))
                    .move(from.get().auth(), user, target);
        } catch (IOException e) {
            System.err.println("poplar: node " + owner.get() + " did not answer: " + e.getMessage());
            return false;
        }
        if (result.startsWith("moved ")) {
            String[] f = result.split(" ");
            System.out.println("moved " + user + " from " + owner.get() + " to " + target + " (" + f[1] + " messages, "
                    + f[2] + " octets)");
            return true;
        }
        System.err.println("poplar: " + user + " not moved: " + result.replaceFirst("^failed [A-Z_]+ ", ""));
        return false;
    }

    static int drain(PoplarConfig c, ClusterView view, String node, boolean cancel) throws IOException {
        try (EtcdClient etcd = new EtcdClient(c.cluster().etcd(), Duration.ofSeconds(5))) {
            if (cancel) {
                etcd.deleteIf(ClusterView.DRAINING + node, "");
                System.out.println("node " + node + " takes new users again");
                return 0;
            }
            etcd.put(ClusterView.DRAINING + node, "", 0);
        }
        List<String> users = view.usersOf(node);
        Map<String, Long> counts = new TreeMap<>(view.usersPerNode());
        int failed = 0;
        for (String user : users) {
            Optional<String> target = ClusterUsers.choose(counts, view.nodes(), node::equals);
            if (target.isEmpty()) {
                System.err.println("poplar: no other live node to move " + user + " to");
                return 1;
            }
            if (move(c, view, user, target.get())) {
                counts.merge(target.get(), 1L, Long::sum);
                counts.merge(node, -1L, Long::sum);
            } else {
                failed++;
            }
        }
        System.out.println("node " + node + " drained: " + (users.size() - failed) + " of " + users.size()
                + " users moved; it takes no new users (poplar cluster drain-node --cancel " + node + ")");
        return failed == 0 ? 0 : 1;
    }
}
