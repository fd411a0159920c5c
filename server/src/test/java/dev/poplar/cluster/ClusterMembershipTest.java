package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Await;
import dev.poplar.testing.CliProcess;
import dev.poplar.testing.Etcd;
import dev.poplar.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes in a real etcd (issue 16, membership): registered under leases, listed by
 * `poplar cluster nodes`, gone at once on a clean shutdown and within the TTL after a crash, and
 * registered when etcd comes up after them.
 */
class ClusterMembershipTest {
    private static TestServer node(Path dir, Etcd etcd, String name) throws Exception {
        return TestServer.start(
                dir,
                "POPLAR_CLUSTER_ETCD",
                etcd.url().toString(),
                "POPLAR_CLUSTER_NODE",
                name,
                "POPLAR_CLUSTER_LEASE_TTL",
                "2s");
    }

    private static Map<String, String> nodes(Etcd etcd) throws Exception {
        return new EtcdClient(etcd.urls(), Duration.ofSeconds(5)).prefix(NodeRegistration.NODES);
    }

    @Test
    void nodesRegisterAreListedAndLeaveOnShutdown(@TempDir Path dir) throws Exception {
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), true);
                TestServer b = node(dir.resolve("b"), etcd, "node-b")) {
            try (TestServer a = node(dir.resolve("a"), etcd, "node-a")) {
                Map<String, String> listed = nodes(etcd);
                assertEquals(2, listed.size(), listed.toString());
                NodeInfo infoA = NodeInfo.fromJson(listed.get(NodeRegistration.NODES + "node-a"));
                assertEquals(
                        new NodeInfo("node-a", "127.0.0.1:" + a.pop3Port(), "127.0.0.1:" + a.lmtpPort(), ""), infoA);
                CliProcess.Result cli = CliProcess.run(
                        dir.resolve("cli"),
                        Map.of("POPLAR_CLUSTER_ETCD", etcd.url().toString()),
                        null,
                        "cluster",
                        "nodes");
                assertEquals(0, cli.exit(), cli.err());
                assertTrue(cli.out().contains("node-a") && cli.out().contains("127.0.0.1:" + b.pop3Port()), cli.out());
            }
            assertEquals(
                    java.util.Set.of(NodeRegistration.NODES + "node-b"),
                    nodes(etcd).keySet(),
                    "a clean shutdown revokes the lease at once");
        }
    }

    @Test
    void aNodeThatStopsRenewingDisappearsWithinItsTtl(@TempDir Path dir) throws Exception {
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), true)) {
            NodeRegistration r = NodeRegistration.start(
                    new EtcdClient(etcd.urls(), Duration.ofSeconds(2)),
                    "crashing",
                    new NodeInfo("crashing", "", "", "").toJson(),
                    Duration.ofSeconds(2));
            assertTrue(r.registered());
            Thread.sleep(2500); // past one TTL: only the renewals keep it
            assertTrue(nodes(etcd).containsKey(NodeRegistration.NODES + "crashing"), "renewed");
            r.abandon(); // a crash: no revoke
            await("the lease to expire", () -> {
                try {
                    return !nodes(etcd).containsKey(NodeRegistration.NODES + "crashing");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aNodeStartedBeforeEtcdRegistersWhenEtcdComesUp(@TempDir Path dir) throws Exception {
        int socketmap = TestServer.freePort();
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), false);
                TestServer a = TestServer.start(
                        dir.resolve("a"),
                        "POPLAR_CLUSTER_ETCD",
                        etcd.url().toString(),
                        "POPLAR_CLUSTER_NODE",
                        "early",
                        "POPLAR_CLUSTER_SOCKETMAP_PORT",
                        Integer.toString(socketmap))) {
            assertTrue(a.server().ready(), "serves its own users meanwhile");
            assertTrue(
                    ClusterTest.socketmap(socketmap, "transport", "anyone@example.org")
                            .startsWith("TEMP "),
                    "without the directory nobody is routed, nor refused: Postfix waits");
            etcd.start();
            await("the node to register", () -> {
                try {
                    return nodes(etcd).containsKey(NodeRegistration.NODES + "early");
                } catch (Exception e) {
                    return false;
                }
            });
            await("the directory to be read", () -> {
                try {
                    return ClusterTest.socketmap(socketmap, "transport", "anyone@example.org")
                            .equals("NOTFOUND ");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(15), condition);
    }
}
