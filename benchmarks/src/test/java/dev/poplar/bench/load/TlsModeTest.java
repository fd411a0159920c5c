package dev.poplar.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.cli.PoplarCli;
import dev.poplar.config.ConfigLoader;
import dev.poplar.server.PoplarServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's TLS modes against a real Poplar server (its self-signed certificate): POP3S and
 * STLS, TLS 1.3 and 1.2, resumption counted only when it happens, RETR octets verified over TLS;
 * and an STLS reply with bytes after it (a plaintext injection) refused.
 */
class TlsModeTest {
    @TempDir
    Path dir;

    private PoplarServer server;

    @BeforeEach
    void aServerWithOneMessage() throws Exception {
        Path config = dir.resolve("poplar.yaml");
        Files.writeString(
                config, "poplar:\n  data-dir: " + dir.resolve("data") + "\n  auth:\n    pbkdf2-iterations: 1000\n");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("a-long-password\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(0, PoplarCli.run("user", "add", "alice", "--password-stdin", "--config", config.toString()));
        } finally {
            System.setIn(stdin);
        }
        server = PoplarServer.start(ConfigLoader.load(
                Optional.of(config),
                Map.of(
                        "POPLAR_POP3_PORT", Integer.toString(freePort()),
                        "POPLAR_POP3S_PORT", Integer.toString(freePort()),
                        "POPLAR_LMTP_PORT", Integer.toString(freePort()),
                        "POPLAR_HTTP_PORT", "0")));
        try (LmtpConnection lmtp = new LmtpConnection("127.0.0.1", server.lmtpPort())) {
            lmtp.deliver("alice", "Subject: over TLS\r\n\r\n.a stuffed line\r\nbody\r\n");
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyModeRetrievesTheMessageWhole() throws Exception {
        for (String client : new String[] {"jdk", "openssl"}) {
            for (String[] mode :
                    new String[][] {{"none", "1.3"}, {"implicit", "1.3"}, {"stls", "1.3"}, {"implicit", "1.2"}}) {
                TlsMode tls = new TlsMode(mode[0], mode[1], true, client);
                int port = mode[0].equals("implicit") ? server.pop3sPort() : server.pop3Port();
                try (Pop3Connection c = tls.connect("127.0.0.1", port)) {
                    c.login("alice", "a-long-password");
                    String listed = c.command("LIST 1").split(" ")[2];
                    assertEquals(Long.parseLong(listed), c.multiLine("RETR 1"), client + " " + String.join(" ", mode));
                    c.command("QUIT");
                }
            }
        }
    }

    @Test
    void resumedHandshakesAreCountedOnlyWhenResumptionIsOn() throws Exception {
        String[][] runs = {
            {"implicit", "1.3", "jdk"},
            {"implicit", "1.2", "jdk"},
            {"stls", "1.3", "jdk"},
            {"stls", "1.2", "jdk"},
            {"implicit", "1.3", "openssl"},
            {"stls", "1.2", "openssl"}
        };
        for (String[] run : runs) {
            int port = run[0].equals("implicit") ? server.pop3sPort() : server.pop3Port();
            TlsMode off = new TlsMode(run[0], run[1], false, run[2]);
            TlsMode on = new TlsMode(run[0], run[1], true, run[2]);
            for (int i = 0; i < 3; i++) {
                try (Pop3Connection c = off.connect("127.0.0.1", port)) {
                    c.command("QUIT");
                }
                try (Pop3Connection c = on.connect("127.0.0.1", port)) {
                    c.command("QUIT");
                }
            }
            assertEquals(0, off.resumed.get(), String.join(" ", run) + " without resumption");
            assertEquals(2, on.resumed.get(), String.join(" ", run) + ": the first is full, then resumed");
        }
    }

    @Test
    void bytesAfterTheStlsReplyAreRefused() throws Exception {
        try (ServerSocket listener = new ServerSocket(0)) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write("+OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(new byte[64]);
                    // RFC 2595 section 4: nothing may follow the +OK before the handshake.
                    s.getOutputStream().write("+OK begin TLS\r\n+OK injected\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(new byte[64]);
                } catch (IOException ignored) {
                    // the client hangs up
                }
            });
            IOException e = assertThrows(
                    IOException.class,
                    () -> new TlsMode("stls", "1.3", false).connect("127.0.0.1", listener.getLocalPort()));
            assertTrue(e.getMessage().contains("plaintext bytes after +OK to STLS"), e.getMessage());
            peer.join();
        }
    }

    @Test
    void badOptionsSayWhatIsAllowed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TlsMode("ssl", "1.3", true))
                .getMessage()
                .contains("none, implicit or stls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TlsMode("stls", "1.1", true))
                .getMessage()
                .contains("1.3 or 1.2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TlsMode("stls", "1.3", true, "gnutls"))
                .getMessage()
                .contains("jdk or openssl"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
