package dev.poplar.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source server that drops the connection in the middle of a RETR, or lies about a size:
 * nothing partial is stored, the report says what happened, and a rerun completes the move.
 */
class Pop3PullFailureTest {
    @TempDir
    Path dir;

    private static final List<String> MESSAGES = List.of(
            "Received: from a by b; Tue, 3 Jan 2023 10:00:00 +0000\r\nSubject: one\r\n\r\nfirst\r\n",
            "Subject: two\r\nDate: Wed, 4 Jan 2023 10:00:00 +0000\r\n\r\nsecond\r\n.dotted\r\n" + "z".repeat(5000)
                    + "\r\n",
            "Subject: three\r\n\r\nthird\r\n");

    /** A tiny POP3 server: RETR 2 is cut after 100 bytes while {@code broken} is set. */
    private static void serve(ServerSocket server, AtomicBoolean broken) {
        serve(server, broken, MESSAGES);
    }

    private static void serve(ServerSocket server, AtomicBoolean broken, List<String> messages) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    out.write("+OK fake\r\n".getBytes(StandardCharsets.US_ASCII));
                    StringBuilder line = new StringBuilder();
                    for (int c; (c = in.read()) >= 0; ) {
                        if (c != '\n') {
                            line.append((char) c);
                            continue;
                        }
                        String cmd = line.toString().trim();
                        line.setLength(0);
                        String reply;
                        if (cmd.startsWith("UIDL")) {
                            reply = "+OK\r\n1 uid-one\r\n2 uid-two\r\n3 uid-three\r\n.\r\n";
                        } else if (cmd.startsWith("LIST")) {
                            StringBuilder l = new StringBuilder("+OK\r\n");
                            for (int i = 0; i < messages.size(); i++) {
                                l.append(i + 1)
                                        .append(' ')
                                        .append(messages.get(i).length())
                                        .append("\r\n");
                            }
                            reply = l.append(".\r\n").toString();
                        } else if (cmd.startsWith("RETR ")) {
                            int n = Integer.parseInt(cmd.substring(5));
                            String stuffed = messages.get(n - 1).replace("\r\n.", "\r\n..");
                            String whole = "+OK\r\n" + stuffed + ".\r\n";
                            if (n == 2 && broken.get()) {
                                out.write(whole.substring(0, 100).getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                break; // the connection drops mid-RETR
                            }
                            reply = whole;
                        } else if (cmd.startsWith("DELE")) {
                            throw new AssertionError("a migration must never DELE");
                        } else if (cmd.startsWith("QUIT")) {
                            out.write("+OK bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            break;
                        } else {
                            reply = "+OK\r\n";
                        }
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // the next connection
                }
            }
        });
    }

    @Test
    void aMessageFarOverTheLimitIsSkippedAndTheRestStillComesOverTheSameConnection() throws Exception {
        List<String> messages = List.of(
                MESSAGES.get(0), "Subject: huge\r\n\r\n" + ("w".repeat(998) + "\r\n").repeat(300), MESSAGES.get(2));
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            serve(server, new AtomicBoolean(false), messages);
            Files.writeString(dir.resolve("users"), "carol carol-pass\n");
            Files.writeString(dir.resolve("passwd"), "carol {PLAIN}carol-pass\n");
            CliProcess.Result r = CliProcess.run(
                    dir.resolve("poplar"),
                    Map.of("POPLAR_LMTP_MAX_MESSAGE_SIZE", "1K"),
                    null,
                    "migrate",
                    "--from",
                    "pop3://127.0.0.1:" + server.getLocalPort(),
                    "--users",
                    dir.resolve("users").toString(),
                    "--passwd-file",
                    dir.resolve("passwd").toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("carol: 2 migrated, 0 already there, 1 skipped"), r.out());
            assertTrue(
                    r.out().contains("message 2 on 127.0.0.1: over poplar.lmtp.max-message-size; not migrated"),
                    r.out());
        }
    }

    @Test
    void aConnectionLostMidRetrStoresNothingPartialAndARerunCompletes() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            serve(server, broken);
            Files.writeString(dir.resolve("users"), "carol carol-pass\n");
            Files.writeString(dir.resolve("passwd"), "carol {PLAIN}carol-pass\n");
            Path data = dir.resolve("poplar");
            String from = "pop3://127.0.0.1:" + server.getLocalPort();
            CliProcess.Result first = CliProcess.run(
                    data,
                    Map.of(),
                    null,
                    "migrate",
                    "--from",
                    from,
                    "--users",
                    dir.resolve("users").toString(),
                    "--passwd-file",
                    dir.resolve("passwd").toString());
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.out().contains("carol: 1 migrated"), first.out());
            assertTrue(
                    first.out()
                            .contains(
                                    "message 2 on 127.0.0.1: the old server closed the connection in the middle of RETR 2; "
                                            + "rerun to resume"),
                    first.out());
            broken.set(false);
            CliProcess.Result second = CliProcess.run(
                    data,
                    Map.of(),
                    null,
                    "migrate",
                    "--from",
                    from,
                    "--users",
                    dir.resolve("users").toString());
            assertTrue(second.out().contains("carol: 2 migrated, 1 already there, 0 skipped"), second.out());
            try (TestServer s = TestServer.start(data)) {
                var listing = s.server().store().listing("carol");
                assertEquals(3, listing.size());
                // The lost connection left messages 2 and 3 for the rerun, which kept the source's order.
                assertEquals(
                        List.of("uid-one", "uid-two", "uid-three"),
                        List.of(listing.uidl(0), listing.uidl(1), listing.uidl(2)));
                for (int i = 0; i < 3; i++) {
                    assertEquals(MESSAGES.get(i).length(), listing.octets(i), "byte for byte, no partial message");
                }
                // Dates from Received:, else Date:.
                var jan = s.admin()
                        .expunge(
                                "carol",
                                new dev.poplar.storage.ExpungeCriteria(
                                        false,
                                        java.util.OptionalLong.empty(),
                                        java.util.Optional.of(java.time.Instant.parse("2023-01-05T00:00:00Z")),
                                        java.util.OptionalLong.empty()));
                assertEquals(2, jan.messages());
            }
        }
    }
}
