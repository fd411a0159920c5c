package dev.poplar.cli;

import dev.poplar.cluster.ClusterView;
import dev.poplar.cluster.EtcdClient;
import dev.poplar.cluster.NodeInfo;
import dev.poplar.cluster.NodeRegistration;
import dev.poplar.config.PoplarConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "cluster",
        description = "The cluster's membership in etcd (poplar.cluster.etcd; docs/scale-out.md).",
        subcommands = {
            ClusterCommand.Nodes.class,
            ClusterCommand.Status.class,
            ClusterCommand.Move.class,
            ClusterCommand.DrainNode.class
        })
final class ClusterCommand {
    @Command(name = "nodes", description = "The nodes registered now, with where each is reached.")
    static final class Nodes implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            PoplarConfig c = config.load();
            if (ClusterCli.notInCluster(c)) {
                return 1;
            }
            Map<String, String> nodes;
            try {
                nodes = new EtcdClient(c.cluster().etcd(), Duration.ofSeconds(5)).prefix(NodeRegistration.NODES);
            } catch (java.io.IOException e) {
                System.err.println("poplar: " + e.getMessage());
                return 1;
            }
            System.out.printf("%-24s %-24s %-24s %s%n", "NODE", "POP3", "LMTP", "AUTH_HTTP");
            for (Map.Entry<String, String> e : nodes.entrySet()) {
                try {
                    NodeInfo n = NodeInfo.fromJson(e.getValue());
                    System.out.printf(
                            "%-24s %-24s %-24s %s%n", n.name(), dash(n.pop3()), dash(n.lmtp()), dash(n.auth()));
                } catch (IllegalArgumentException bad) {
                    System.out.printf("%-24s (unreadable entry: %s)%n", e.getKey(), bad.getMessage());
                }
            }
            return 0;
        }
    }

    @Command(
            name = "status",
            description = "Every node that is registered or owns users: up or down, and how many users each owns.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            PoplarConfig c = config.load();
            if (ClusterCli.notInCluster(c)) {
                return 1;
            }
            try (ClusterView view = ClusterCli.view(c)) {
                if (view == null) {
                    return 75;
                }
                Map<String, NodeInfo> live = view.nodes();
                Map<String, Long> users = view.usersPerNode();
                System.out.printf("%-24s %-5s %10s  %s%n", "NODE", "STATE", "USERS", "POP3");
                long total = 0;
                int down = 0;
                for (Map.Entry<String, Long> e : users.entrySet()) {
                    NodeInfo n = live.get(e.getKey());
                    total += e.getValue();
                    down += n == null ? 1 : 0;
                    System.out.printf(
                            "%-24s %-5s %10d  %s%n",
                            e.getKey(), n == null ? "down" : "up", e.getValue(), n == null ? "-" : dash(n.pop3()));
                }
                System.out.printf("%d nodes up, %d down, %d users%n", live.size(), down, total);
                return down == 0 ? 0 : 2;
            }
        }
    }

    @Command(
            name = "move",
            description = "Move a user's mailbox to another node: messages, UIDLs, order and dates intact; "
                    + "deliveries meanwhile are deferred (4xx) and the user's sessions end cleanly.")
    static final class Move implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "USER")
        String user;

        @picocli.CommandLine.Parameters(index = "1", paramLabel = "NODE")
        String node;

        @Override
        public Integer call() throws Exception {
            PoplarConfig c = config.load();
            if (ClusterCli.notInCluster(c)) {
                return 1;
            }
            try (ClusterView view = ClusterCli.view(c)) {
                if (view == null) {
                    return 75;
                }
                return ClusterCli.move(c, view, user, node) ? 0 : 1;
            }
        }
    }

    @Command(
            name = "drain-node",
            description = "Move every mailbox off a node (to the nodes with the fewest users) and place no new "
                    + "users there; --cancel lets it take new users again.")
    static final class DrainNode implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NODE")
        String node;

        @picocli.CommandLine.Option(names = "--cancel", description = "End the drain: new users may go there again.")
        boolean cancel;

        @Override
        public Integer call() throws Exception {
            PoplarConfig c = config.load();
            if (ClusterCli.notInCluster(c)) {
                return 1;
            }
            try (ClusterView view = ClusterCli.view(c)) {
                if (view == null) {
                    return 75;
                }
                return ClusterCli.drain(c, view, node, cancel);
            }
        }
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
