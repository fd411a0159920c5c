package dev.poplar.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad sources: what cannot be used is reported with its reason, never guessed or silently changed. */
class DovecotMaildirTest {
    @TempDir
    Path dir;

    private Path maildir() throws Exception {
        Path m = dir.resolve("Maildir");
        for (String s : List.of("cur", "new", "tmp")) {
            Files.createDirectories(m.resolve(s));
        }
        return m;
    }

    @Test
    void corruptRecordsMissingFilesAndDuplicateOrBadUidlsAreReported() throws Exception {
        Path m = maildir();
        Files.writeString(m.resolve("cur/1700000001.a:2,S"), "A: 1\n\nx\n");
        Files.writeString(m.resolve("cur/1700000002.b:2,S"), "A: 2\n\nx\n");
        Files.writeString(m.resolve("cur/1700000003.c:2,S"), "A: 3\n\nx\n");
        Files.writeString(m.resolve("cur/1700000004.d:2,S"), "A: 4\n\nx\n");
        Files.writeString(m.resolve("cur/1700000005.e:2,S"), "A: 5\n\nx\n");
        Files.writeString(
                m.resolve("dovecot-uidlist"),
                "3 V1000 N20 Gx\n"
                        + "1 :1700000001.a\n"
                        + "garbage line\n"
                        + "2 Pdup :1700000002.b\n"
                        + "3 Pdup :1700000003.c\n"
                        + "4 Pbad\u0001uidl :1700000004.d\n"
                        + "2 :1700000005.e\n"
                        + "9 :1700000009.missing\n"
                        + "10 W123\n");
        SourceListing l = DovecotMaildir.read(m, "%08Xu%08Xv");
        assertEquals(
                List.of("00000001000003e8", "dup", "00000014000003e8"),
                l.messages().stream().map(SourceMessage::uidl).toList());
        String problems = String.join("\n", l.problems());
        assertTrue(problems.contains("line 3: unreadable record"), problems);
        assertTrue(problems.contains("UIDL dup is used twice in the source; only the first was migrated"), problems);
        assertTrue(problems.contains("breaks RFC 1939"), problems);
        assertTrue(problems.contains("line 7: UID 2 out of order or repeated"), problems);
        assertTrue(problems.contains("line 9: unreadable record"), problems);
        // 1700000005.e lost its record (repeated UID): it is new to Dovecot and gets N (20).
        assertEquals(
                1_700_000_001_000L,
                ((MaildirMessage) l.messages().getFirst()).receivedMillis(),
                "the date in the file name");
    }

    @Test
    void aBrokenHeaderOrNoUidlistFallsBackToFileOrderWithANote() throws Exception {
        Path m = maildir();
        Files.writeString(m.resolve("new/1700000001.a"), "A: 1\n\nx\n");
        Files.write(m.resolve("new/1700000002.\u00ff\u00fe"), "A: 2\n\nx\n".getBytes(StandardCharsets.UTF_8));
        SourceListing none = DovecotMaildir.read(m, "%08Xu%08Xv");
        assertEquals(2, none.messages().size(), "no uidlist: file names as UIDLs (what Courier and qmail do)");
        Files.writeString(m.resolve("dovecot-uidlist"), "what is this\n");
        SourceListing broken = DovecotMaildir.read(m, "%08Xu%08Xv");
        assertTrue(
                String.join("\n", broken.problems()).contains("unreadable header"),
                broken.problems().toString());
        assertEquals(2, broken.messages().size());
    }

    @Test
    void pop3UidlFormats() {
        assertEquals("000000015f5e1000", DovecotMaildir.format("%08Xu%08Xv", 1, 1_600_000_000L, "f"));
        assertEquals("1.1600000000", DovecotMaildir.format("%u.%v", 1, 1_600_000_000L, "f"));
        assertEquals("file-base%", DovecotMaildir.format("%f%%", 1, 1, "file-base"));
        assertThrows(IllegalArgumentException.class, () -> DovecotMaildir.format("%m"));
        assertThrows(IllegalArgumentException.class, () -> DovecotMaildir.format("%08X"));
    }

    @Test
    void notAMaildirSaysSo() {
        Exception e = assertThrows(java.io.IOException.class, () -> DovecotMaildir.read(dir, "%u"));
        assertTrue(e.getMessage().contains("is not a Maildir"), e.getMessage());
    }
}
