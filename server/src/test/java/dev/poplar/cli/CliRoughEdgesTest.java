package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.server.DataDirectory;
import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The newcomer walk-through's CLI findings, each as the operator meets it: a child process, its output and exit code. */
class CliRoughEdgesTest {
    @TempDir
    Path dir;

    private CliProcess.Result poplar(String stdin, String... args) throws IOException, InterruptedException {
        return CliProcess.run(dir.resolve("data"), Map.of(), stdin, args);
    }

    private static void assertNoStackTrace(CliProcess.Result r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "a stack trace: " + r.err());
    }

    @Test
    void importIntoAnUnknownMailboxOrFromAMissingFileSaysWhatIsWrong() throws Exception {
        Path mbox = dir.resolve("x.mbox");
        Files.writeString(mbox, "From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\nbody\n");
        CliProcess.Result nobody = poplar(null, "import", "--mbox", mbox.toString(), "nobody");
        assertEquals(3, nobody.exit(), nobody.err());
        assertEquals("poplar: no such user: nobody\n", nobody.err());
        assertEquals(
                0,
                poplar("secret-pass\n", "user", "add", "alice", "--password-stdin")
                        .exit());
        CliProcess.Result missing =
                poplar(null, "import", "--mbox", dir.resolve("missing.mbox").toString(), "alice");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains(dir.resolve("missing.mbox") + " does not exist"), missing.err());
        assertNoStackTrace(missing);
    }

    /** The installed launcher names /etc/poplar/poplar.yaml in POPLAR_CONFIG; --config still wins. */
    @Test
    void poplarConfigNamesTheConfigurationFileWhenNoOptionDoes() throws Exception {
        Path strict = dir.resolve("strict.yaml");
        Files.writeString(strict, "poplar:\n  auth:\n    min-password-length: 40\n");
        Path lenient = dir.resolve("lenient.yaml");
        Files.writeString(lenient, "poplar:\n  auth:\n    min-password-length: 8\n");
        Map<String, String> env = Map.of("POPLAR_CONFIG", strict.toString());

        CliProcess.Result refused = CliProcess.run(
                dir.resolve("data"), env, "short-password\n", "user", "add", "carol", "--password-stdin");
        assertEquals(1, refused.exit(), refused.err());
        assertTrue(refused.err().contains("40"), refused.err());
        CliProcess.Result option = CliProcess.run(
                dir.resolve("data"),
                env,
                "short-password\n",
                "user",
                "add",
                "carol",
                "--password-stdin",
                "--config",
                lenient.toString());
        assertEquals(0, option.exit(), option.err());
    }

    @Test
    void anEmptyMessageIsRefusedTheSameWayOfflineAndOnline() throws Exception {
        assertEquals(
                0,
                poplar("secret-pass\n", "user", "add", "bob", "--password-stdin")
                        .exit());
        CliProcess.Result offline = poplar("", "deliver", "bob");
        assertEquals(1, offline.exit());
        assertEquals("poplar: the message is empty; nothing was delivered\n", offline.err());
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            CliProcess.Result online = poplar("", "deliver", "bob");
            assertEquals(offline, online, "the same answer through the running server");
            assertEquals(0, server.admin().stats("bob").messages());
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        List<String> failures = new ArrayList<>();
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new PoplarCli()), new ArrayList<>(), paths);
        assertTrue(paths.size() > 20, "the whole tree: " + paths.size());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            String[] out = runInProcess(args.toArray(String[]::new));
            if (!out[0].equals("0") || !out[1].contains("Usage: poplar " + String.join(" ", path))) {
                failures.add(String.join(" ", args) + " -> exit " + out[0] + ": " + out[1] + out[2]);
            }
        }
        String[] nested = runInProcess("help", "user", "add");
        assertEquals("0", nested[0]);
        assertTrue(nested[1].startsWith("Usage: poplar user add"), nested[1]);
        assertEquals(List.of(), failures);
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> out) {
        for (var e : c.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    /** Exit code, stdout and stderr of the CLI run in this JVM (--help does no work). */
    private static String[] runInProcess(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = PoplarCli.run(args);
            return new String[] {
                Integer.toString(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
            };
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aCertificateCannotExpireBeforeItStarts() throws Exception {
        CliProcess.Result r = poplar(
                null,
                "tls",
                "self-signed",
                "--days",
                "-3",
                "--cert",
                dir.resolve("c.pem").toString(),
                "--key",
                dir.resolve("k.pem").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--days must be between 1 and 3650, not -3"), r.err());
        assertFalse(Files.exists(dir.resolve("c.pem")));
    }

    @Test
    void kickingAnUnknownUserIsAnError() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            server.addUser("kai", "kai-pass");
            CliProcess.Result nobody = poplar(null, "kick", "--user", "nobody");
            assertEquals(3, nobody.exit());
            assertEquals("poplar: no such user: nobody\n", nobody.err());
            CliProcess.Result kai = poplar(null, "kick", "--user", "kai");
            assertEquals(0, kai.exit());
            assertEquals("kicked 0 sessions\n", kai.out());
        }
    }

    /** Holds a data directory as a starting server does, then names a running server's API. */
    public static final class StartingHolder {
        public static void main(String[] args) throws Exception {
            DataDirectory data = new DataDirectory(Path.of(args[0]));
            try (DataDirectory.Claim claim = data.tryClaim().orElseThrow()) {
                claim.describe(DataDirectory.Claim.State.STARTING, "");
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(1500);
                claim.describe(DataDirectory.Claim.State.SERVING, args[1]);
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void aCommandDuringStartUpWaitsForTheAdminApi() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("other"))) {
            server.addUser("seen-through-the-api", "pass-word");
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            Files.copy(dir.resolve("other").resolve(DataDirectory.TOKEN_FILE), data.resolve(DataDirectory.TOKEN_FILE));
            String java = ProcessHandle.current().info().command().orElse("java");
            Process holder = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            StartingHolder.class.getName(),
                            data.toString(),
                            "http://127.0.0.1:" + server.httpPort())
                    .start();
            try {
                assertEquals("holding", new String(holder.getInputStream().readNBytes(7), StandardCharsets.UTF_8));
                long t0 = System.nanoTime();
                CliProcess.Result list = poplar(null, "user", "list");
                assertEquals(0, list.exit(), "waited for the start-up instead of failing: " + list.err());
                assertEquals("seen-through-the-api\n", list.out());
                assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "it waited");
            } finally {
                holder.destroyForcibly().waitFor();
            }
        }
    }
}
