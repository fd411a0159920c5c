package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review's import findings: messages changed (Delivered-To prepended, mboxo's '>From ' lines
 * unquoted), dated "now", and duplicated by a rerun. Now: byte for byte, dated by the source, once.
 */
class ImportTest {
    @TempDir
    Path dir;

    private CliProcess.Result poplar(String... args) throws Exception {
        return CliProcess.run(dir.resolve("data"), Map.of("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1"), "pw\n", args);
    }

    @Test
    void aMaildirAndAnMboxoComeInAsTheyAreDatedByTheSourceAndOnce() throws Exception {
        assertEquals(0, poplar("user", "add", "ann", "--password-stdin").exit());
        Path md = dir.resolve("Maildir");
        for (String s : new String[] {"cur", "new", "tmp"}) {
            Files.createDirectories(md.resolve(s));
        }
        String first = "Subject: from 2023\nFrom: a@example.net\n\nbody\n";
        Files.writeString(md.resolve("cur/1672531200.M1.host:2,S"), first);
        Files.writeString(md.resolve("new/1700000000.M2.host"), "Subject: two\n\nbody two\n");
        CliProcess.Result r = poplar("import", "--maildir", md.toString(), "ann");
        assertTrue(r.out().startsWith("imported 2 messages into ann"), r.out());
        CliProcess.Result again = poplar("import", "--maildir", md.toString(), "ann");
        assertTrue(
                again.out().startsWith("imported 0 messages into ann")
                        && again.out().contains("2 were there already"),
                again.out());

        Path mbox = dir.resolve("in.mbox");
        Files.writeString(mbox, "From a@b Tue Jan  3 10:00:00 2023\nSubject: quoted\n\n>From the original text\n");
        assertTrue(poplar("import", "--mbox", mbox.toString(), "ann").out().startsWith("imported 1 messages"));
        assertTrue(poplar("import", "--mbox", mbox.toString(), "ann").out().startsWith("imported 0 messages"));

        try (TestServer s = TestServer.start(dir.resolve("data"))) {
            var l = s.server().store().listing("ann");
            assertEquals(3, l.size());
            assertEquals(first.replace("\n", "\r\n").length(), l.octets(0), "no Delivered-To added");
            assertEquals(
                    "Subject: quoted\r\n\r\n>From the original text\r\n".length(), l.octets(2), "mboxo: '>From ' kept");
            var old = s.admin()
                    .expunge(
                            "ann",
                            new dev.poplar.storage.ExpungeCriteria(
                                    false,
                                    OptionalLong.empty(),
                                    Optional.of(Instant.parse("2023-06-01T00:00:00Z")),
                                    OptionalLong.empty()));
            assertEquals(2, old.messages(), "the January 2023 ones, by their source dates");
        }
    }

    @Test
    void deliveredToOnlyWhenAsked() throws Exception {
        assertEquals(0, poplar("user", "add", "ben", "--password-stdin").exit());
        Path mbox = dir.resolve("b.mbox");
        Files.writeString(mbox, "From a@b Tue Jan  3 10:00:00 2023\nSubject: s\n\nx\n");
        assertEquals(
                0,
                poplar("import", "--mbox", mbox.toString(), "--add-delivered-to", "ben")
                        .exit());
        try (TestServer s = TestServer.start(dir.resolve("data"))) {
            assertEquals(
                    "Delivered-To: ben\r\nSubject: s\r\n\r\nx\r\n".length(),
                    s.server().store().listing("ben").octets(0));
        }
    }
}
