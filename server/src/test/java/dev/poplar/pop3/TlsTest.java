package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.TestTls;
import dev.poplar.tls.SelfSignedCertificate;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STLS rules (RFC 2595), the plaintext policy, and certificate renewal without a restart. */
class TlsTest {
    @TempDir
    Path dir;

    /** A raw client that can switch to TLS in the middle, to see exactly what the server does. */
    static final class RawClient implements AutoCloseable {
        Socket socket;
        BufferedReader in;
        OutputStream out;

        RawClient(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            streams();
        }

        private void streams() throws Exception {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        String line() throws Exception {
            return in.readLine();
        }

        void send(String s) throws Exception {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        SSLSocket startTls(Path cert) throws Exception {
            SSLSocket tls = (SSLSocket)
                    TestTls.context(cert).getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            tls.startHandshake();
            socket = tls;
            streams();
            return tls;
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    @Test
    void inputPipelinedBeforeTheSwitchIsDiscarded() throws Exception {
        try (TestServer s = TestServer.start(dir);
                RawClient c = new RawClient(s.pop3Port())) {
            s.addUser("alice", "pw-alice");
            c.line();
            c.send("STLS\r\nUSER alice\r\n"); // the USER must not survive the handshake
            assertEquals("+OK Begin TLS negotiation", c.line());
            SSLSocket tls = c.startTls(TestTls.devCertificate(dir));
            assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(tls.getSession().getProtocol()));
            c.send("PASS pw-alice\r\n");
            assertEquals("-ERR Send USER first", c.line());
            c.send("STLS\r\n");
            assertEquals("-ERR TLS is already active", c.line());
            c.send("CAPA\r\n");
            c.line();
            StringBuilder capa = new StringBuilder();
            for (String l = c.line(); !l.equals("."); l = c.line()) {
                capa.append(l).append(' ');
            }
            assertFalse(capa.toString().contains("STLS"), "no STLS once secure: " + capa);
            assertTrue(capa.toString().contains("SASL PLAIN LOGIN SCRAM-SHA-256"), capa.toString());
            c.send("USER alice\r\nPASS pw-alice\r\nSTLS\r\n");
            c.line();
            assertTrue(c.line().startsWith("+OK Logged in"));
            assertEquals("-ERR STLS is only allowed before login", c.line());
        }
    }

    @Test
    void plaintextPolicyNeverRequiresTlsAndCapaFollows() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_AUTH_ALLOW_PLAINTEXT", "never");
                RawClient c = new RawClient(s.pop3Port())) {
            s.addUser("bob", "pw-bob");
            c.line();
            c.send("CAPA\r\n");
            java.util.List<String> capa = new java.util.ArrayList<>();
            for (String l = c.line(); !l.equals("."); l = c.line()) {
                capa.add(l);
            }
            assertFalse(capa.contains("USER"), "the USER capability line: " + capa);
            assertTrue(capa.contains("STLS"), capa.toString());
            c.send("USER bob\r\n");
            assertEquals(
                    "-ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS or port 995", c.line());
            c.send("STLS\r\n");
            c.line();
            c.startTls(TestTls.devCertificate(dir));
            c.send("USER bob\r\nPASS pw-bob\r\n");
            c.line();
            assertTrue(c.line().startsWith("+OK Logged in"));
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        SelfSignedCertificate.write(cert, key, "first.test", List.of("first.test"), Duration.ofDays(10));
        try (TestServer s = TestServer.start(
                dir.resolve("data"),
                "POPLAR_TLS_CERT",
                cert.toString(),
                "POPLAR_TLS_KEY",
                key.toString(),
                "POPLAR_TLS_RELOAD_INTERVAL",
                "200ms")) {
            assertEquals("CN=first.test", peer(s.pop3sPort(), cert));
            Path next = dir.resolve("next");
            Files.createDirectories(next);
            SelfSignedCertificate.write(
                    next.resolve("cert.pem"),
                    next.resolve("key.pem"),
                    "second.test",
                    List.of("second.test"),
                    Duration.ofDays(90));
            // As certbot does: new files moved into place.
            Files.move(next.resolve("key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(next.resolve("cert.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String seen = "";
            while (System.nanoTime() < deadline && !seen.equals("CN=second.test")) {
                Thread.sleep(100); // polling a condition with a deadline
                seen = peer(s.pop3sPort(), cert);
            }
            assertEquals("CN=second.test", seen);
            assertTrue(s.server()
                    .tls()
                    .orElseThrow()
                    .notAfter()
                    .isAfter(java.time.Instant.now().plus(Duration.ofDays(80))));
        }
    }

    /** The subject of the certificate the server presents on the POP3S port. */
    private static String peer(int port, Path trusted) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new javax.net.ssl.TrustManager[] {
                    new javax.net.ssl.X509TrustManager() {
                        public void checkClientTrusted(X509Certificate[] c, String a) {}

                        public void checkServerTrusted(X509Certificate[] c, String a) {}

                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        }
    }

    @Test
    void angusMailWithStartTls() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_AUTH_ALLOW_PLAINTEXT", "never")) {
            s.addUser("dora", "pw-dora");
            s.deliver("dora", Messages.simple(1));
            Properties p = new Properties();
            p.put("mail.pop3.host", "127.0.0.1");
            p.put("mail.pop3.port", Integer.toString(s.pop3Port()));
            p.put("mail.pop3.starttls.enable", "true");
            p.put("mail.pop3.starttls.required", "true");
            p.put("mail.pop3.ssl.trust", "*");
            p.put("mail.pop3.ssl.checkserveridentity", "false");
            p.put("mail.pop3.timeout", "20000");
            Store store = Session.getInstance(p).getStore("pop3");
            store.connect("dora", "pw-dora");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertEquals(1, inbox.getMessageCount());
            assertEquals("message 1", inbox.getMessage(1).getSubject());
            inbox.close(false);
            store.close();
        }
    }
}
