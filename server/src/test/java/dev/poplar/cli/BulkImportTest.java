package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, provisioning at scale through the real CLI: a user file is checked whole, then sent
 * in batches (no request that can time out, bounded memory), and an interrupted import resumes
 * with --skip-existing.
 */
class BulkImportTest {
    @TempDir
    Path dir;

    private CliProcess.Result poplar(String stdin, String... args) throws Exception {
        return CliProcess.run(dir.resolve("data"), Map.of("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1"), stdin, args);
    }

    private Path file(String name, int from, int to, String extra) throws Exception {
        StringBuilder s = new StringBuilder("# users ")
                .append(from)
                .append('-')
                .append(to)
                .append('\n');
        for (int i = from; i < to; i++) {
            s.append(String.format("user%05d@example.org {PLAIN}pw-%d%n", i, i));
        }
        s.append(extra);
        return Files.writeString(dir.resolve(name), s);
    }

    @Test
    void aLargeFileGoesInBatchesAndAnInterruptedImportResumes() throws Exception {
        Path half = file("half.txt", 0, 1500, "");
        Path all = file("all.txt", 0, 3000, "");
        CliProcess.Result first = poplar(null, "user", "import", "--hashed", "--batch-size", "700", half.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("imported users: 1500 created, 0 updated, 0 unchanged"), first.out());
        CliProcess.Result resumed =
                poplar(null, "user", "import", "--hashed", "--skip-existing", "--batch-size", "700", all.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().startsWith("imported users: 1500 created, 0 updated, 1500 unchanged"), resumed.out());
        CliProcess.Result again = poplar(null, "user", "import", "--hashed", all.toString());
        assertTrue(again.out().startsWith("imported users: 0 created, 0 updated, 3000 unchanged"), again.out());
        assertEquals(
                "user02998@example.org\nuser02999@example.org\n",
                poplar(null, "user", "list", "--prefix", "user0299", "--page-size", "3")
                        .out()
                        .lines()
                        .skip(8)
                        .map(l -> l + "\n")
                        .reduce("", String::concat));
        // Standard input, in batches too.
        StringBuilder stdin = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            stdin.append("piped").append(i).append(" {PLAIN}p").append(i).append('\n');
        }
        CliProcess.Result piped = poplar(stdin.toString(), "user", "import", "--hashed", "--batch-size", "7", "-");
        assertTrue(piped.out().startsWith("imported users: 50 created"), piped.out() + piped.err());
    }

    @Test
    void aBadLineOrADuplicateAnywhereImportsNothing() throws Exception {
        Path late = file("late.txt", 0, 2000, "bad!name {PLAIN}x\n");
        CliProcess.Result bad = poplar(null, "user", "import", "--hashed", "--batch-size", "500", late.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("line 2002: user name may hold only"), bad.err());
        assertTrue(bad.err().contains("nothing was imported"), bad.err());
        Path twice = file("twice.txt", 0, 2000, "USER00007@example.org {PLAIN}again\n");
        CliProcess.Result dup = poplar(null, "user", "import", "--hashed", twice.toString());
        assertEquals(1, dup.exit());
        assertTrue(dup.err().contains("line 2002: user user00007@example.org appears twice"), dup.err());
        Path huge = dir.resolve("huge.txt");
        Files.writeString(huge, "ok {PLAIN}x\nlong " + "y".repeat(70_000) + "\n");
        CliProcess.Result tooLong = poplar(null, "user", "import", "--hashed", huge.toString());
        assertEquals(1, tooLong.exit());
        assertTrue(tooLong.err().contains("user file line 2 is longer than 65536 bytes"), tooLong.err());
        assertEquals("", poplar(null, "user", "list").out(), "nothing was imported");
        CliProcess.Result size = poplar(null, "user", "import", "--batch-size", "0", late.toString());
        assertEquals(1, size.exit());
        assertTrue(size.err().contains("--batch-size must be between 1 and 10000"), size.err());
    }
}
