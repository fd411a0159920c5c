package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminException;
import dev.poplar.testing.Await;
import dev.poplar.testing.EtcdCluster;
import dev.poplar.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster on a three-member etcd (issue 16): with one member killed (the one every node asks
 * first) nothing stops, the nodes' watches move to another member and see new users; with the
 * quorum lost, user creation fails with a clear temporary error while routing goes on from the
 * nodes' copies; with the members back, creation works again.
 */
class EtcdFailoverTest {
    private static final String KEY = "cluster-shared-key-0123";

    private static TestServer node(Path dir, EtcdCluster etcd, String name, int socketmap) throws Exception {
        return TestServer.start(
                dir,
                "POPLAR_CLUSTER_ETCD",
                etcd.urls(),
                "POPLAR_CLUSTER_NODE",
                name,
                "POPLAR_CLUSTER_LEASE_TTL",
                "3s",
                "POPLAR_CLUSTER_SOCKETMAP_PORT",
                Integer.toString(socketmap),
                "POPLAR_NGINX_AUTH_PORT",
                Integer.toString(TestServer.freePort()),
                "POPLAR_NGINX_AUTH_KEY",
                KEY);
    }

    @Test
    void oneMemberDownChangesNothingAndALostQuorumOnlyStopsUserCreation(@TempDir Path dir) throws Exception {
        int socketmapB = TestServer.freePort();
        try (EtcdCluster etcd = EtcdCluster.start(dir.resolve("etcd"), 3);
                TestServer a = node(dir.resolve("a"), etcd, "node-a", 0);
                TestServer b = node(dir.resolve("b"), etcd, "node-b", socketmapB)) {
            await(
                    "both nodes",
                    () -> a.server().clusterNodes() == 2 && b.server().clusterNodes() == 2);
            var admin = a.http();
            for (int i = 0; i < 10; i++) {
                admin.addUser("f" + i, "pw");
            }
            await("node b to see f9", () -> routed(socketmapB, "f9"));

            etcd.kill(0); // the first endpoint of every node
            admin.addUser("after-one-down", "pw");
            await("node b's watch to move to another member", () -> routed(socketmapB, "after-one-down"));
            Thread.sleep(4_000); // past a lease TTL: the registrations must have been renewed elsewhere
            assertEquals(2, a.server().clusterNodes(), "both nodes stay registered");

            etcd.kill(1); // quorum lost
            AdminException refused = assertThrows(AdminException.class, () -> admin.addUser("no-quorum", "pw"));
            assertEquals(AdminException.Kind.UNAVAILABLE, refused.kind());
            assertTrue(refused.getMessage().contains("etcd"), refused.getMessage());
            assertTrue(routed(socketmapB, "f3"), "routing goes on from the copy");
            assertTrue(routed(socketmapB, "after-one-down"));

            etcd.restart(0);
            etcd.restart(1);
            await("user creation to work again", () -> {
                try {
                    admin.addUser("quorum-back", "pw");
                    return true;
                } catch (AdminException e) {
                    return false;
                }
            });
            await("node b to see it", () -> routed(socketmapB, "quorum-back"));
        }
    }

    private static boolean routed(int socketmap, String user) {
        try {
            return ClusterTest.socketmap(socketmap, "transport", user + "@example.org")
                    .startsWith("OK lmtp:inet:");
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(40), condition);
    }
}
