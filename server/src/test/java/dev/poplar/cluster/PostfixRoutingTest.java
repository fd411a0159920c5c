package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Etcd;
import dev.poplar.testing.Postfix;
import dev.poplar.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock Postfix in front of a three-node cluster (issue 16): Postfix asks Poplar's socketmap for
 * each recipient's transport and delivers over LMTP straight to the owner. 1,000 messages land,
 * each exactly once, in their recipients' mailboxes on the right nodes; while a node is down its
 * recipients' mail stays deferred in Postfix's queue, and arrives once the node is back (on new
 * ports: the routing follows the membership).
 */
class PostfixRoutingTest {
    private static final String KEY = "cluster-shared-key-0123";
    private static final int USERS = 300;
    private static final int MESSAGES = 1_000;

    private static TestServer node(Path dir, Etcd etcd, String name, int socketmapPort) throws Exception {
        return TestServer.start(
                dir,
                "POPLAR_CLUSTER_ETCD",
                etcd.url().toString(),
                "POPLAR_CLUSTER_NODE",
                name,
                "POPLAR_CLUSTER_LEASE_TTL",
                "2s",
                "POPLAR_CLUSTER_SOCKETMAP_PORT",
                Integer.toString(socketmapPort),
                "POPLAR_NGINX_AUTH_PORT",
                Integer.toString(TestServer.freePort()),
                "POPLAR_NGINX_AUTH_KEY",
                KEY);
    }

    private static String user(int i) {
        return "p%03d".formatted(i);
    }

    @Test
    void postfixDeliversToEachOwnerAndHoldsMailForADownNode(@TempDir Path dir) throws Exception {
        int socketmap = TestServer.freePort();
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), true);
                TestServer a = node(dir.resolve("a"), etcd, "node-a", socketmap);
                TestServer b = node(dir.resolve("b"), etcd, "node-b", 0)) {
            TestServer c = node(dir.resolve("c"), etcd, "node-c", 0);
            try (Postfix postfix = Postfix.start(
                    dir.resolve("postfix"), "example.org", "socketmap:inet:127.0.0.1:" + socketmap + ":transport")) {
                await("three nodes", () -> a.server().clusterNodes() == 3);
                var admin = a.http();
                for (int i = 0; i < USERS; i++) {
                    admin.addUser(user(i), "pw");
                }
                Map<String, TestServer> nodes = Map.of("node-a", a, "node-b", b, "node-c", c);
                Map<String, String> owners = new TreeMap<>();
                new EtcdClient(etcd.urls(), Duration.ofSeconds(5))
                        .prefix(ClusterView.USERS)
                        .forEach((k, v) -> owners.put(k.substring(ClusterView.USERS.length()), v));
                assertEquals(USERS, owners.size());

                Map<String, Integer> expected = new HashMap<>();
                SMTPClient smtp = new SMTPClient();
                smtp.connect("127.0.0.1", postfix.smtpPort());
                assertTrue(smtp.login("client.test"));
                for (int m = 0; m < MESSAGES; m++) {
                    List<String> to = new ArrayList<>(List.of(user(m % USERS)));
                    if (m % 50 == 0) { // some messages to several owners at once
                        to.add(user((m + 1) % USERS));
                        to.add(user((m + 2) % USERS));
                    }
                    send(smtp, m, to);
                    to.forEach(u -> expected.merge(u, 1, Integer::sum));
                }
                await("every message delivered", () -> delivered(owners, nodes).equals(expected), postfix);

                // node-c stops: its recipients' mail waits in Postfix's queue, deferred.
                String cUser = owners.entrySet().stream()
                        .filter(e -> e.getValue().equals("node-c"))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
                c.close();
                await("node-c gone", () -> a.server().clusterNodes() == 2);
                send(smtp, MESSAGES, List.of(cUser));
                expected.merge(cUser, 1, Integer::sum);
                await("Postfix to defer it", () -> {
                    try {
                        return postfix.log().contains("status=deferred");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                c = node(dir.resolve("c"), etcd, "node-c", 0); // new ports: routing follows the membership
                await("node-c back", () -> a.server().clusterNodes() == 3);
                postfix.flush();
                Map<String, TestServer> back = Map.of("node-a", a, "node-b", b, "node-c", c);
                await(
                        "the held message delivered",
                        () -> delivered(owners, back).equals(expected),
                        postfix);
                smtp.quit();
                smtp.disconnect();
            } finally {
                c.close();
            }
        }
    }

    private static void send(SMTPClient smtp, int m, List<String> to) throws Exception {
        assertTrue(smtp.setSender("sender@example.net"), smtp.getReplyString());
        for (String u : to) {
            assertTrue(smtp.addRecipient(u + "@example.org"), smtp.getReplyString());
        }
        assertTrue(
                smtp.sendShortMessageData("Subject: message " + m + "\r\n\r\nbody " + m + "\r\n"),
                smtp.getReplyString());
        assertTrue(SMTPReply.isPositiveCompletion(smtp.getReplyCode()));
    }

    /** Messages in each user's mailbox on its owner. */
    private static Map<String, Integer> delivered(Map<String, String> owners, Map<String, TestServer> nodes) {
        Map<String, Integer> out = new HashMap<>();
        for (var e : owners.entrySet()) {
            try {
                long n = nodes.get(e.getValue()).admin().stats(e.getKey()).messages();
                if (n > 0) {
                    out.put(e.getKey(), (int) n);
                }
            } catch (dev.poplar.admin.AdminException ex) {
                throw new AssertionError(ex);
            }
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        await(what, condition, null);
    }

    /** Up to 60 s: Postfix delivers at its own pace. */
    private static void await(String what, BooleanSupplier condition, Postfix postfix) throws Exception {
        dev.poplar.testing.Await.until(what, Duration.ofSeconds(60), condition, () -> {
            try {
                return postfix == null ? "" : "\n" + tail(postfix);
            } catch (java.io.IOException e) {
                return "";
            }
        });
    }

    private static String tail(Postfix postfix) throws java.io.IOException {
        String log = postfix.log();
        return log.substring(Math.max(0, log.length() - 4000));
    }
}
