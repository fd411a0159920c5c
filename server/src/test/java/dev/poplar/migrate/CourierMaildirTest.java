package dev.poplar.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Courier Maildirs (issue 12): UIDLs as Courier's pop3d prints them from its courierpop3dsizelist
 * (written here in the format its pop3dserver.c reads and writes: "/3 next uidv", then
 * "name size uid:uidv:utf8"), in its order; the file names without the list.
 */
class CourierMaildirTest {
    @TempDir
    Path dir;

    private Path maildir(String... names) throws Exception {
        Path m = dir.resolve("Maildir");
        for (String s : List.of("cur", "new", "tmp")) {
            Files.createDirectories(m.resolve(s));
        }
        for (String n : names) {
            Files.writeString(m.resolve(n), "Subject: " + n + "\n\nbody\n");
        }
        return m;
    }

    private static List<String> uidls(SourceListing l) {
        return l.messages().stream().map(SourceMessage::uidl).toList();
    }

    @Test
    void theSizeListGivesCouriersUidlsAndNewFilesTheNextUids() throws Exception {
        Path m = maildir(
                "cur/1700000300.c.host:2,S",
                "cur/1700000100.a.host:2,S",
                "cur/1700000200.b b.host:2,",
                "new/1700000400.d.host",
                "new/999.early.host");
        Files.writeString(
                m.resolve(CourierMaildir.LIST),
                "/3 8 1701234567\n"
                        + "1700000100.a.host 20 5:1701234567:0\n"
                        + "1700000200.b b.host 21 6:1701234567:0\n"
                        + "1700000300.c.host 20 7:0\n" // version 2 record, no validity: UID7
                        + "broken line\n"
                        + "1700000999.gone.host 20 4:1701234567:0\n");
        SourceListing l = CourierMaildir.read(m);
        // Courier's order: by the delivery time in the name, so 999.early comes first.
        assertEquals(
                List.of("UID8-1701234567", "UID5-1701234567", "UID6-1701234567", "UID7", "UID9-1701234567"), uidls(l));
        assertTrue(
                String.join("\n", l.problems()).contains("line 5: unreadable record"),
                l.problems().toString());
        assertEquals(1_700_000_100_000L, ((MaildirMessage) l.messages().get(1)).receivedMillis());
    }

    @Test
    void withoutTheListTheFileNameIsTheUidlAsQmailShowsIt() throws Exception {
        Path m = maildir("cur/1700000100.a.host:2,S", "new/1700000200.b.host");
        assertEquals(List.of("1700000100.a.host", "1700000200.b.host"), uidls(CourierMaildir.read(m)));
        Files.writeString(m.resolve(CourierMaildir.LIST), "/9 1 2\n1700000100.a.host 20 1:2\n");
        SourceListing unknown = CourierMaildir.read(m);
        assertEquals(List.of("1700000100.a.host", "1700000200.b.host"), uidls(unknown), "unknown version: names");
        assertTrue(
                unknown.problems().getFirst().contains("unreadable header '/9 1 2'"),
                unknown.problems().toString());
    }

    /** The whole path: `poplar migrate --courier-maildir`, then a POP3 client (commons-net) sees Courier's UIDLs. */
    @Test
    void migratedCourierMailKeepsItsUidlsOverPop3() throws Exception {
        Path vmail = dir.resolve("vmail");
        Path m = vmail.resolve("example.org/carol/Maildir");
        for (String s : List.of("cur", "new", "tmp")) {
            Files.createDirectories(m.resolve(s));
        }
        Files.writeString(m.resolve("cur/1700000100.a.host:2,S"), "Subject: one\n\nfirst\n");
        Files.writeString(m.resolve("cur/1700000200.b.host:2,S"), "Subject: two\n\nsecond\n");
        Files.writeString(
                m.resolve(CourierMaildir.LIST),
                "/3 12 1690000000\n1700000100.a.host 30 10:1690000000:0\n1700000200.b.host 31 11:1690000000:0\n");
        Files.writeString(dir.resolve("users"), "carol@example.org {PLAIN}carol-pass\n");
        Path data = dir.resolve("poplar");
        dev.poplar.testing.CliProcess.Result moved = dev.poplar.testing.CliProcess.run(
                data,
                java.util.Map.of(),
                null,
                "migrate",
                "--courier-maildir",
                vmail + "/%d/%n/Maildir",
                "--passwd-file",
                dir.resolve("users").toString());
        assertEquals(0, moved.exit(), moved.out() + moved.err());
        try (dev.poplar.testing.TestServer poplar = dev.poplar.testing.TestServer.start(data)) {
            org.apache.commons.net.pop3.POP3Client c = new org.apache.commons.net.pop3.POP3Client();
            c.connect("127.0.0.1", poplar.pop3Port());
            assertTrue(c.login("carol@example.org", "carol-pass"));
            List<String> uidls = java.util.Arrays.stream(c.listUniqueIdentifiers())
                    .map(i -> i.identifier)
                    .toList();
            assertEquals(List.of("UID10-1690000000", "UID11-1690000000"), uidls);
            c.logout();
            c.disconnect();
        }
    }

    /**
     * A POP3 state file is read with a bound: one of a million messages is ~60 MB, so 300 MB (a
     * sparse file here) is refused with the mailbox named, before it is read whole (it was).
     */
    @Test
    void anOversizedStateFileIsRefusedBeforeItIsRead() throws Exception {
        Path courier = maildir("1700000000.1.host");
        Path dovecot = dir.resolve("Dovecot");
        Files.createDirectories(dovecot.resolve("cur"));
        for (Path state : List.of(courier.resolve(CourierMaildir.LIST), dovecot.resolve("dovecot-uidlist"))) {
            try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
                f.setLength(300L << 20);
            }
        }
        IOException c = assertThrows(IOException.class, () -> CourierMaildir.read(courier));
        assertTrue(c.getMessage().contains(courier.resolve(CourierMaildir.LIST) + " is 300 MiB"), c.getMessage());
        IOException d = assertThrows(IOException.class, () -> DovecotMaildir.read(dovecot, "%08Xu%08Xv"));
        assertTrue(d.getMessage().contains("dovecot-uidlist is 300 MiB"), d.getMessage());
    }
}
