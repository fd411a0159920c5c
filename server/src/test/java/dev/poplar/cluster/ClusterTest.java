package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminException;
import dev.poplar.net.SessionView;
import dev.poplar.testing.Await;
import dev.poplar.testing.Etcd;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.Nginx;
import dev.poplar.testing.ServerProcess;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.commons.net.pop3.ExtendedPOP3Client;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes behind stock nginx with their directory in a real etcd (issue 16): users added on
 * any node are spread by the placement rule, deliveries are routed by the socketmap to the owner
 * (a non-owner defers them), every user fetches exactly its own mail through nginx (USER/PASS and
 * AUTH PLAIN), the owner sees the client's own address; a SIGKILLed node gives its users (only)
 * a temporary failure and serves them again, mail intact, when it is back; with etcd down the
 * logins go on from each node's copy of the directory, and only user creation waits.
 */
class ClusterTest {
    private static final String KEY = "cluster-shared-key-0123";
    private static final int USERS = 1_000;

    private static Map<String, String> nodeEnv(Etcd etcd, String name, int authPort, int socketmapPort) {
        Map<String, String> env = new HashMap<>();
        env.put("POPLAR_CLUSTER_ETCD", etcd.url().toString());
        env.put("POPLAR_CLUSTER_NODE", name);
        env.put("POPLAR_CLUSTER_LEASE_TTL", "2s");
        env.put("POPLAR_CLUSTER_SOCKETMAP_PORT", Integer.toString(socketmapPort));
        env.put("POPLAR_NGINX_AUTH_PORT", Integer.toString(authPort));
        env.put("POPLAR_NGINX_AUTH_KEY", KEY);
        env.put("POPLAR_POP3_TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("POPLAR_AUTH_ALLOW_PLAINTEXT", "trusted-proxies");
        return env;
    }

    private static TestServer node(Path dir, Etcd etcd, String name) throws Exception {
        Map<String, String> env = nodeEnv(etcd, name, TestServer.freePort(), TestServer.freePort());
        List<String> overrides = new ArrayList<>();
        env.forEach((k, v) -> {
            overrides.add(k);
            overrides.add(v);
        });
        return TestServer.start(dir, overrides.toArray(String[]::new));
    }

    private static String user(int i) {
        return "u%03d".formatted(i);
    }

    /** Passwords with a space and a '%': they must cross nginx's and the nodes' escaping intact. */
    private static String password(int i) {
        return "pw " + i + "%";
    }

    @Test
    void aClusterOfThreeNodesBehindNginx(@TempDir Path dir) throws Exception {
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), true);
                TestServer a = node(dir.resolve("a"), etcd, "node-a");
                TestServer b = node(dir.resolve("b"), etcd, "node-b")) {
            Map<String, String> cEnv = nodeEnv(etcd, "node-c", TestServer.freePort(), 0);
            cEnv.put("POPLAR_POP3_PORT", Integer.toString(TestServer.freePort()));
            cEnv.put("POPLAR_LMTP_PORT", Integer.toString(TestServer.freePort()));
            cEnv.put("POPLAR_POP3S_PORT", "0");
            cEnv.put("POPLAR_HTTP_PORT", Integer.toString(TestServer.freePort()));
            try (ServerProcess c = ServerProcess.start(dir.resolve("c"), cEnv);
                    Nginx nginx = Nginx.start(
                            dir.resolve("nginx"), "127.0.0.1:" + a.server().nginxAuthPort() + "/auth", KEY)) {
                EtcdClient directory = new EtcdClient(etcd.urls(), Duration.ofSeconds(5));
                await("three nodes", () -> count(directory, NodeRegistration.NODES) == 3);
                await("node a to see them", () -> a.server().clusterNodes() == 3);

                // Placement: users added through node b (and some through a) spread evenly.
                var viaB = b.http();
                var viaA = a.http();
                for (int i = 0; i < USERS; i++) {
                    (i % 10 == 0 ? viaA : viaB).addUser(user(i), password(i));
                }
                Map<String, String> owners = owners(directory);
                assertEquals(USERS, owners.size());
                Map<String, Long> perNode = owners.values().stream()
                        .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
                assertEquals(List.of("node-a", "node-b", "node-c"), List.copyOf(perNode.keySet()));
                perNode.values().forEach(n -> assertTrue(Math.abs(n - USERS / 3) <= 5, "balanced: " + perNode));
                AdminException dup = assertThrows(AdminException.class, () -> viaA.addUser(user(1), "x"));
                assertEquals(AdminException.Kind.CONFLICT, dup.kind(), dup.getMessage());

                // Delivery: the socketmap names each owner's LMTP; the owner takes the mail.
                int socketmap = a.server().socketmapPort();
                Map<String, List<Integer>> byLmtp = new TreeMap<>();
                for (int i = 0; i < USERS; i++) {
                    String reply = socketmap(socketmap, "transport", user(i) + "@example.org");
                    assertTrue(reply.startsWith("OK lmtp:inet:127.0.0.1:"), reply);
                    byLmtp.computeIfAbsent(reply.substring("OK lmtp:inet:".length()), k -> new ArrayList<>())
                            .add(i);
                }
                assertEquals(3, byLmtp.size(), byLmtp.keySet().toString());
                for (var e : byLmtp.entrySet()) {
                    int port = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf(':') + 1));
                    lmtp(port, e.getValue());
                }
                assertEquals("NOTFOUND ", socketmap(socketmap, "transport", "nobody@example.org"));
                assertEquals("NOTFOUND ", socketmap(socketmap, "transport", "example.org"));
                String bUser = firstOf(owners, "node-b");
                try (LineClient l = new LineClient(a.lmtpPort())) {
                    l.line();
                    l.send("LHLO t\r\n");
                    while (!l.line().startsWith("250 ")) {}
                    l.send("MAIL FROM:<s@example.org>\r\n");
                    l.line();
                    l.send("RCPT TO:<" + bUser + "@example.org>\r\n");
                    assertEquals(
                            "451 4.3.0 <" + bUser + "@example.org> Mailbox is on node node-b, deliver there",
                            l.line(),
                            "a non-owner defers, never takes or refuses");
                }

                // Fetch: every user through nginx sees exactly its own message.
                for (int i = 0; i < USERS; i++) {
                    assertEquals(List.of("for " + user(i)), fetch(nginx.port(), i, i % 7 == 0), user(i));
                }
                try (LineClient raw = new LineClient(nginx.port())) {
                    raw.line();
                    raw.send("USER " + bUser + "\r\n");
                    raw.line();
                    raw.send("PASS wrong\r\n");
                    assertEquals("-ERR [AUTH] Invalid user name or password", raw.line(), "the owner said no");
                }
                // The node-to-node check itself: only the owner, only the right password, only with the key.
                String bPeer = "127.0.0.1:" + b.server().nginxAuthPort();
                InetAddress client = InetAddress.getLoopbackAddress();
                int bIndex = Integer.parseInt(bUser.substring(1));
                PeerClient peer = new PeerClient(KEY, Duration.ofSeconds(5));
                assertEquals(
                        dev.poplar.proxy.OwnerRouting.Verdict.ACCEPTED,
                        peer.verify(bPeer, bUser, password(bIndex), client));
                assertEquals(
                        dev.poplar.proxy.OwnerRouting.Verdict.REJECTED, peer.verify(bPeer, bUser, "wrong", client));
                String aUser = firstOf(owners, "node-a");
                int aIndex = Integer.parseInt(aUser.substring(1));
                assertEquals(
                        dev.poplar.proxy.OwnerRouting.Verdict.UNAVAILABLE,
                        peer.verify(bPeer, aUser, password(aIndex), client),
                        "b is not a's users' owner");
                assertEquals(
                        dev.poplar.proxy.OwnerRouting.Verdict.UNAVAILABLE,
                        new PeerClient("not-the-cluster-key-000", Duration.ofSeconds(5))
                                .verify(bPeer, bUser, password(bIndex), client));

                // Checks reuse one connection (HTTP/1.1 keep-alive) until the caller asks for close.
                try (LineClient raw = new LineClient(b.server().nginxAuthPort())) {
                    String call = "GET /peer/verify HTTP/1.1\r\nHost: b\r\nX-Poplar-Auth-Key: " + KEY
                            + "\r\nAuth-User: " + bUser + "\r\nAuth-Pass: wrong\r\n";
                    for (int i = 0; i < 2; i++) {
                        raw.send(call + (i == 1 ? "Connection: close\r\n" : "") + "\r\n");
                        assertEquals(i == 1 ? "HTTP/1.0 200 OK" : "HTTP/1.1 200 OK", raw.line());
                        List<String> head = new ArrayList<>();
                        for (String l = raw.line(); !l.isEmpty(); l = raw.line()) {
                            head.add(l);
                        }
                        assertTrue(head.contains(PeerClient.RESULT + ": rejected"), head.toString());
                    }
                    assertEquals(null, raw.line(), "closed after Connection: close");
                }

                POP3Client seen = new POP3Client();
                seen.connect(InetAddress.getByName("127.0.0.1"), nginx.port(), InetAddress.getByName("127.0.0.7"), 0);
                try {
                    assertTrue(seen.login(bUser, password(bIndex)), seen.getReplyString());
                    List<SessionView> sessions = b.server().sessions();
                    assertEquals(1, sessions.size(), sessions.toString());
                    assertEquals("127.0.0.7", sessions.getFirst().clientAddress(), "the owner sees the client");
                    seen.logout();
                } finally {
                    seen.disconnect();
                }

                // SIGKILL node c: its users get a temporary failure, everyone else is served.
                String cUser = firstOf(owners, "node-c");
                int cIndex = Integer.parseInt(cUser.substring(1));
                c.kill();
                await("node c's lease to end", () -> a.server().clusterNodes() == 2);
                assertEquals(
                        "-ERR [SYS/TEMP] The server holding your mailbox is unavailable, try again later",
                        loginReply(nginx.port(), cUser, password(cIndex)));
                var status = dev.poplar.testing.CliProcess.run(
                        dir.resolve("cli"),
                        Map.of("POPLAR_CLUSTER_ETCD", etcd.url().toString()),
                        null,
                        "cluster",
                        "status");
                assertEquals(2, status.exit(), "a node down: exit 2\n" + status.out() + status.err());
                assertTrue(
                        status.out().matches("(?s).*node-c +down +" + perNode.get("node-c") + " .*")
                                && status.out().contains("2 nodes up, 1 down, " + USERS + " users"),
                        status.out());
                assertTrue(
                        socketmap(socketmap, "transport", cUser + "@example.org")
                                .startsWith("TEMP "),
                        "Postfix defers mail for node c's users");
                assertEquals(List.of("for " + user(aIndex)), fetch(nginx.port(), aIndex, false));
                assertEquals(List.of("for " + user(bIndex)), fetch(nginx.port(), bIndex, true));

                // Node c back: its users are served again, their acknowledged mail intact.
                c.start();
                await("node c to register again", () -> a.server().clusterNodes() == 3);
                for (int i = 0; i < USERS; i++) {
                    if (owners.get(user(i)).equals("node-c")) {
                        assertEquals(List.of("for " + user(i)), fetch(nginx.port(), i, false), user(i));
                    }
                }

                // Deleting a user from any node deletes it on its owner and in the directory.
                String gone = owners.entrySet().stream()
                        .filter(e ->
                                e.getValue().equals("node-c") && !e.getKey().equals(cUser))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
                viaB.deleteUser(gone);
                assertTrue(directory.get(ClusterView.USERS + gone).isEmpty());
                await(
                        "node a to forget " + gone,
                        () -> a.server().socketmapPort() > 0
                                && socketmapQuietly(socketmap, gone + "@example.org")
                                        .equals("NOTFOUND "));
                var listed = dev.poplar.testing.CliProcess.run(dir.resolve("c"), Map.of(), null, "user", "list");
                assertEquals(0, listed.exit(), listed.err());
                assertTrue(listed.out().contains(cUser) && !listed.out().contains(gone), "gone on node c: " + listed);

                // etcd down: logins and routing go on from every node's copy; only creating users waits.
                etcd.close();
                assertTrue(socketmap(socketmap, "transport", cUser + "@example.org")
                        .startsWith("OK lmtp:inet:"));
                assertEquals(List.of("for " + cUser), fetch(nginx.port(), cIndex, false));
                assertEquals(List.of("for " + bUser), fetch(nginx.port(), bIndex, true));
                AdminException down = assertThrows(AdminException.class, () -> viaB.addUser("newcomer", "pw"));
                assertEquals(AdminException.Kind.UNAVAILABLE, down.kind());
                assertTrue(down.getMessage().contains("etcd"), down.getMessage());
                etcd.start();
                await("user creation to work again", () -> {
                    try {
                        viaB.addUser("newcomer", "pw");
                        return true;
                    } catch (AdminException e) {
                        return false;
                    }
                });
            }
        }
    }

    private static String firstOf(Map<String, String> owners, String node) {
        return owners.entrySet().stream()
                .filter(e -> e.getValue().equals(node))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> owners(EtcdClient etcd) throws IOException {
        Map<String, String> out = new TreeMap<>();
        etcd.prefix(ClusterView.USERS).forEach((k, v) -> out.put(k.substring(ClusterView.USERS.length()), v));
        return out;
    }

    private static int count(EtcdClient etcd, String prefix) {
        try {
            return etcd.prefix(prefix).size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The subjects of every message in the user's mailbox, fetched through nginx. */
    private static List<String> fetch(int port, int i, boolean authPlain) throws Exception {
        ExtendedPOP3Client c = new ExtendedPOP3Client();
        c.connect("127.0.0.1", port);
        try {
            boolean in = authPlain
                    ? c.auth(ExtendedPOP3Client.AUTH_METHOD.PLAIN, user(i), password(i))
                    : c.login(user(i), password(i));
            if (!in) {
                throw new AssertionError(user(i) + ": " + c.getReplyString());
            }
            c.setState(org.apache.commons.net.pop3.POP3.TRANSACTION_STATE); // auth() leaves it unset
            List<String> subjects = dev.poplar.testing.MailClients.subjects(c);
            c.logout();
            return subjects;
        } finally {
            c.disconnect();
        }
    }

    private static String loginReply(int port, String user, String password) throws IOException {
        try (LineClient raw = new LineClient(port)) {
            raw.line();
            raw.send("USER " + user + "\r\n");
            raw.line();
            raw.send("PASS " + password + "\r\n");
            return raw.line();
        }
    }

    /** One message per user, "Subject: for USER", in one LMTP session to the owner. */
    private static void lmtp(int port, List<Integer> users) throws IOException {
        try (LineClient l = new LineClient(port)) {
            l.line();
            l.send("LHLO t\r\n");
            while (!l.line().startsWith("250 ")) {}
            for (int i : users) {
                l.send("MAIL FROM:<s@example.org>\r\n");
                assertTrue(l.line().startsWith("250"));
                l.send("RCPT TO:<" + user(i) + "@example.org>\r\n");
                String rcpt = l.line();
                assertTrue(rcpt.startsWith("250"), rcpt);
                l.send("DATA\r\n");
                l.line();
                l.send("Subject: for " + user(i) + "\r\n\r\nhello\r\n.\r\n");
                String done = l.line();
                assertTrue(done.startsWith("250"), done);
            }
            l.send("QUIT\r\n");
        }
    }

    private static String socketmapQuietly(int port, String key) {
        try {
            return socketmap(port, "transport", key);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** One socketmap lookup, as Postfix makes it. */
    static String socketmap(int port, String map, String key) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            String req = map + " " + key;
            out.write((req.length() + ":" + req + ",").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return SocketmapService.readNetstring(in).orElseThrow();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(20), condition);
    }
}
