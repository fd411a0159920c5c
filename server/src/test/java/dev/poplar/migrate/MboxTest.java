package dev.poplar.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three mbox dialects, each read as its writer meant it; X-UIDL kept; dates from the From lines. */
class MboxTest {
    @TempDir
    Path dir;

    private List<String> bodies(SourceListing l) throws Exception {
        List<String> out = new ArrayList<>();
        for (SourceMessage m : l.messages()) {
            out.add(new String(m.fetch().raw(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void mboxrdRemovesOneQuoteLevelAndMboxoNone() throws Exception {
        Path f = dir.resolve("rd.mbox");
        Files.writeString(
                f,
                "From a@b Tue Jan  3 10:00:00 2023\nX-UIDL: qpop-1\nSubject: one\n\n>From the start\n>>From quoted\nend\n\n"
                        + "From c@d Wed Jan  4 10:00:00 2023\nSubject: two\n\nbody\n");
        SourceListing rd = Mbox.read(f, Mbox.Variant.MBOXRD);
        assertEquals(
                List.of(
                        "X-UIDL: qpop-1\nSubject: one\n\nFrom the start\n>From quoted\nend\n",
                        "Subject: two\n\nbody\n"),
                bodies(rd));
        assertEquals("qpop-1", rd.messages().getFirst().uidl(), "X-UIDL is the UIDL");
        assertEquals(
                Instant.parse("2023-01-03T10:00:00Z").toEpochMilli(),
                rd.messages().getFirst().fetch().receivedMillis());
        SourceListing o = Mbox.read(f, Mbox.Variant.MBOXO);
        assertEquals(
                "X-UIDL: qpop-1\nSubject: one\n\n>From the start\n>>From quoted\nend\n",
                bodies(o).getFirst(),
                "mboxo cannot tell quoted lines from original ones: bytes kept");
        assertTrue(
                o.problems().getFirst().contains("looks like mboxrd"),
                o.problems().toString());
    }

    @Test
    void mboxcl2TrustsContentLengthSoUnquotedFromLinesStayInside() throws Exception {
        String body1 = "line\nFrom inside the body\n\nFrom again\n";
        Path f = dir.resolve("cl2.mbox");
        Files.writeString(
                f,
                "From a@b Tue Jan  3 10:00:00 2023\nContent-Length: " + body1.length() + "\nSubject: one\n\n" + body1
                        + "\nFrom c@d Wed Jan  4 10:00:00 2023\nContent-Length: 5\nSubject: two\n\nbody\n");
        assertEquals(
                List.of(
                        "Content-Length: " + body1.length() + "\nSubject: one\n\n" + body1,
                        "Content-Length: 5\nSubject: two\n\nbody\n"),
                bodies(Mbox.read(f, Mbox.Variant.MBOXCL2)));
        assertTrue(Mbox.read(f, Mbox.Variant.MBOXO).problems().stream().anyMatch(p -> p.contains("may be mboxcl2")));
    }

    @Test
    void identicalCopiesGetDistinctStableUidlsAndJunkIsRefused() throws Exception {
        Path f = dir.resolve("dup.mbox");
        String m = "From a@b Tue Jan  3 10:00:00 2023\nSubject: same\n\nsame\n\n";
        Files.writeString(f, m + m + m);
        SourceListing l = Mbox.read(f, Mbox.Variant.MBOXO);
        List<String> uidls = l.messages().stream().map(SourceMessage::uidl).toList();
        assertEquals(3, uidls.stream().distinct().count(), uidls.toString());
        assertEquals(
                uidls,
                Mbox.read(f, Mbox.Variant.MBOXO).messages().stream()
                        .map(SourceMessage::uidl)
                        .toList(),
                "stable");
        assertNotEquals(uidls.get(0), uidls.get(1));
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "hello\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> Mbox.read(junk, Mbox.Variant.MBOXO))
                .getMessage()
                .contains("not an mbox"));
    }

    @Test
    void aMessageOverTheSizeLimitIsReportedAndTheRestMigrated() throws Exception {
        Path spool = dir.resolve("spool");
        Files.createDirectories(spool);
        Files.writeString(
                spool.resolve("eve"),
                "From a@b Tue Jan  3 10:00:00 2023\nSubject: small\n\nx\n\n"
                        + "From a@b Tue Jan  3 11:00:00 2023\nSubject: big\n\n" + "y".repeat(3000) + "\n\n"
                        + "From a@b Tue Jan  3 12:00:00 2023\nSubject: small too\n\nz\n");
        Files.writeString(dir.resolve("users"), "eve {PLAIN}eve-pass\n");
        CliProcess.Result r = CliProcess.run(
                dir.resolve("poplar"),
                Map.of("POPLAR_LMTP_MAX_MESSAGE_SIZE", "1K"),
                null,
                "migrate",
                "--mbox",
                spool + "/%n",
                "--passwd-file",
                dir.resolve("users").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("eve: 2 migrated, 0 already there, 1 skipped"), r.out());
        assertTrue(
                r.out().contains("message 2: over poplar.lmtp.max-message-size (1024 octets); not migrated"), r.out());
    }

    @Test
    void migrateFromMboxFilesIsByteExactAndResumable() throws Exception {
        Path spool = dir.resolve("mail");
        Files.createDirectories(spool);
        Files.writeString(
                spool.resolve("dora"),
                "From a@b Tue Jan  3 10:00:00 2023\nX-UIDL: 7f1a2b\nSubject: one\n\n>From here\n\n"
                        + "From c@d Wed Jan  4 10:00:00 2023\nSubject: two\n\nbody\n");
        Files.writeString(dir.resolve("users"), "dora {PLAIN}dora-pass\n");
        Path data = dir.resolve("poplar");
        CliProcess.Result r = CliProcess.run(
                data,
                Map.of(),
                null,
                "migrate",
                "--mbox",
                spool + "/%n",
                "--mbox-format",
                "mboxrd",
                "--passwd-file",
                dir.resolve("users").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("dora: 2 migrated"), r.out());
        CliProcess.Result again =
                CliProcess.run(data, Map.of(), null, "migrate", "--mbox", spool + "/%n", "--mbox-format", "mboxrd");
        assertTrue(again.out().contains("dora: 0 migrated, 2 already there"), again.out());
        try (TestServer s = TestServer.start(data)) {
            var l = s.server().store().listing("dora");
            assertEquals("7f1a2b", l.uidl(0));
            assertEquals(
                    "X-UIDL: 7f1a2b\r\nSubject: one\r\n\r\nFrom here\r\n".length(),
                    l.octets(0),
                    "no header added, mboxrd unquoted");
        }
    }
}
