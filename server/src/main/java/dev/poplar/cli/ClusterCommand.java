package dev.poplar.cli;

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
        subcommands = {ClusterCommand.Nodes.class})
final class ClusterCommand {
    @Command(name = "nodes", description = "The nodes registered now, with where each is reached.")
    static final class Nodes implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            PoplarConfig c = config.load();
            if (c.cluster().etcd().isEmpty()) {
                System.err.println("poplar: poplar.cluster.etcd is not set: this node is not in a cluster");
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

        private static String dash(String s) {
            return s.isEmpty() ? "-" : s;
        }
    }
}
