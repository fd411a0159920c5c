package dev.poplar.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.net.SessionView;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.Nginx;
import dev.poplar.testing.TestServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock nginx's mail proxy in front of a Poplar node (issue 16's first step): nginx asks the
 * node's auth_http listener, then logs in to the node's POP3 listener over the PROXY protocol;
 * clients (commons-net, raw AUTH PLAIN) see their mail, wrong passwords get the node's [AUTH]
 * reply, and the node sees each client's own address.
 */
class NginxProxyTest {
    private static final String KEY = "nginx-shared-key-0123";

    private static TestServer node(Path dir, int authPort) throws Exception {
        return TestServer.start(
                dir,
                "POPLAR_NGINX_AUTH_PORT",
                Integer.toString(authPort),
                "POPLAR_NGINX_AUTH_KEY",
                KEY,
                "POPLAR_POP3_TRUSTED_PROXIES",
                "127.0.0.1/32",
                "POPLAR_AUTH_ALLOW_PLAINTEXT",
                "trusted-proxies",
                "POPLAR_POP3_MAILDROP_LOCK",
                "shared");
    }

    @Test
    void clientsLogInThroughNginxAndTheNodeSeesTheirAddress(@TempDir Path dir) throws Exception {
        int authPort = TestServer.freePort();
        try (TestServer s = node(dir.resolve("node"), authPort);
                Nginx nginx = Nginx.start(dir.resolve("nginx"), "127.0.0.1:" + authPort + "/auth", KEY)) {
            s.addUser("alice", "alice pw%1");
            s.deliver("alice", "Subject: through nginx\r\n\r\nhello\r\n");
            POP3Client c = new POP3Client();
            c.connect(InetAddress.getByName("127.0.0.1"), nginx.port(), InetAddress.getByName("127.0.0.7"), 0);
            try {
                assertTrue(c.login("alice", "alice pw%1"), c.getReplyString() + nginx.errorLog());
                POP3MessageInfo stat = c.status();
                assertEquals(1, stat.number);
                List<SessionView> sessions = s.server().sessions();
                assertEquals(1, sessions.size(), sessions.toString());
                assertEquals(
                        "127.0.0.7", sessions.getFirst().clientAddress(), "the PROXY header's address, not nginx's");
                c.logout();
            } finally {
                c.disconnect();
            }
            try (LineClient raw = new LineClient(nginx.port())) {
                raw.line();
                raw.send("AUTH PLAIN "
                        + Base64.getEncoder().encodeToString("\0alice\0alice pw%1".getBytes(StandardCharsets.UTF_8))
                        + "\r\n");
                assertTrue(raw.line().startsWith("+OK"), "AUTH PLAIN through nginx");
                raw.send("QUIT\r\n");
                raw.line();
            }
            try (LineClient raw = new LineClient(nginx.port())) {
                raw.line();
                raw.send("USER alice\r\n");
                raw.line();
                raw.send("PASS wrong\r\n");
                assertEquals("-ERR [AUTH] Invalid user name or password", raw.line());
            }
        }
    }

    @Test
    void withoutTheKeyNginxGetsNothing(@TempDir Path dir) throws Exception {
        int authPort = TestServer.freePort();
        try (TestServer s = node(dir.resolve("node"), authPort);
                Nginx nginx = Nginx.start(dir.resolve("nginx"), "127.0.0.1:" + authPort + "/auth", "not-the-key")) {
            s.addUser("alice", "alice-pw");
            try (LineClient raw = new LineClient(nginx.port())) {
                raw.line();
                raw.send("USER alice\r\n");
                raw.line();
                raw.send("PASS alice-pw\r\n");
                String reply = raw.line();
                assertTrue(reply.startsWith("-ERR"), reply);
            }
        }
    }
}
