package dev.poplar.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance that matters to users, against a real Dovecot (Debian's dovecot-pop3d) serving a
 * Maildir estate on loopback: what its POP3 shows (UIDLs with gaps in the UIDs and stored P UIDLs,
 * order, sizes, bytes) is what Poplar shows after `poplar migrate`, a rerun copies nothing, and
 * `--verify` agrees.
 */
class DovecotMigrationTest {
    @TempDir
    Path dir;

    private Path conf;

    private static final Map<String, String> PASSWORDS =
            Map.of("alice@example.org", "alice-pass-1", "bob@example.org", "bob-pass-22");

    @AfterEach
    void stopDovecot() throws Exception {
        if (conf != null) {
            Tools.run(List.of("doveadm", "-c", conf.toString(), "stop"), null);
        }
    }

    private Path estate() throws IOException {
        Path vmail = dir.resolve("vmail");
        // alice: UIDs 1, 3, 6 in dovecot-uidlist (2, 4, 5 were retrieved and deleted), one with a
        // stored POP3 UIDL, and one message Dovecot has not seen yet.
        Path a = maildir(vmail.resolve("example.org/alice/Maildir"));
        Files.writeString(
                a.resolve("cur/1672531200.M1P1.old,S=43:2,S"), "Subject: from 2023\nDate: x\n\n.dot line\nbody\n");
        Files.writeString(a.resolve("cur/1700000003.M3P3.host:2,"), "Subject: three\n\nbody three\n");
        Files.writeString(a.resolve("new/1700000006.M6P6.host"), "Subject: six\r\n\r\ncrlf body\r\n");
        Files.writeString(a.resolve("new/1700000009.M9P9.host"), "Subject: unseen\n\nnot in the uidlist yet\n");
        Files.writeString(
                a.resolve("dovecot-uidlist"),
                "3 V1600000000 N7 G1536b405623d0d6b8475000083ecc375\n"
                        + "1 :1672531200.M1P1.old,S=43\n3 Pcourier-legacy-0003 :1700000003.M3P3.host\n6 :1700000006.M6P6.host\n");
        // bob: no uidlist at all (Dovecot makes one at first sight).
        Path b = maildir(vmail.resolve("example.org/bob/Maildir"));
        for (int i = 1; i <= 5; i++) {
            Files.writeString(
                    b.resolve("cur/17000000" + (10 + i) + ".M" + i + ".host:2,S"),
                    "Subject: bob " + i + "\n\n" + "line\n".repeat(i * 50));
        }
        return vmail;
    }

    private static Path maildir(Path p) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(p.resolve(sub));
        }
        return p;
    }

    private int startDovecot(Path vmail) throws Exception {
        Path d = dir.resolve("dovecot");
        Files.createDirectories(d.resolve("run"));
        StringBuilder passwd = new StringBuilder();
        PASSWORDS.forEach(
                (u, p) -> passwd.append(u).append(":{PLAIN}").append(p).append("::::::\n"));
        Files.writeString(d.resolve("passwd"), passwd);
        Files.writeString(d.resolve("master"), "migrator:{PLAIN}master-secret::::::\n");
        int port = TestServer.freePort();
        conf = d.resolve("dovecot.conf");
        Files.writeString(
                conf,
                "base_dir = " + d.resolve("run") + "\nstate_dir = " + d.resolve("state") + "\nlog_path = "
                        + d.resolve("dovecot.log")
                        + "\nprotocols = pop3\nlisten = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\n"
                        + "auth_mechanisms = plain\nmail_location = maildir:" + vmail
                        + "/%d/%n/Maildir\nmail_uid = mail\nmail_gid = mail\n"
                        + "first_valid_uid = 1\nfirst_valid_gid = 1\npop3_uidl_format = %08Xu%08Xv\n"
                        + "auth_master_user_separator = *\n"
                        + "passdb {\n  driver = passwd-file\n  master = yes\n  args = " + d.resolve("master") + "\n}\n"
                        + "passdb {\n  driver = passwd-file\n  args = " + d.resolve("passwd") + "\n}\n"
                        + "userdb {\n  driver = static\n  args = uid=mail gid=mail home=" + vmail + "/%d/%n\n}\n"
                        + "service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = " + port
                        + "\n  }\n}\n");
        Tools.require("dovecot");
        if (!"root".equals(System.getProperty("user.name")) && !"1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
            org.junit.jupiter.api.Assumptions.abort(
                    "a private Dovecot instance needs root (it switches to the mail user)");
        }
        // Dovecot's auth runs as its own user and must reach the passwd file (the test JVM's
        // temp directories are private, and a Poplar server in this JVM sets umask 077).
        for (Path open : List.of(dir, d)) {
            Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (String f : List.of("passwd", "master")) {
            Files.setPosixFilePermissions(
                    d.resolve(f), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertEquals(
                0,
                Tools.run(List.of("chown", "-R", "mail:mail", vmail.toString()), null)
                        .exit());
        // dovecot daemonizes: its children must not hold our pipe open.
        Tools.Result start = Tools.run(List.of("bash", "-c", "exec dovecot -c '" + conf + "' > /dev/null 2>&1"), null);
        assertEquals(0, start.exit(), start.output());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("dovecot did not start: " + Files.readString(d.resolve("dovecot.log")));
    }

    /** Every file under the estate with its bytes. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(f).toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    /** UIDL, size and body of every message, as a POP3 server shows them. */
    private static List<String> seen(int port, String user, String password) throws IOException {
        List<String> out = new ArrayList<>();
        try (LineClient c = new LineClient(port)) {
            c.line();
            c.send("USER " + user + "\r\nPASS " + password + "\r\n");
            c.line();
            assertTrue(c.line().startsWith("+OK"), user);
            c.send("UIDL\r\n");
            c.line();
            List<String> uidls = c.body();
            c.send("LIST\r\n");
            c.line();
            List<String> sizes = c.body();
            for (int i = 0; i < uidls.size(); i++) {
                c.send("RETR " + (i + 1) + "\r\n");
                c.line();
                out.add(uidls.get(i) + " | " + sizes.get(i) + " | " + String.join("\n", c.body()));
            }
            c.send("QUIT\r\n");
            c.line();
        }
        return out;
    }

    /** fetchmail with keep and uidl against {@code port}; returns its exit code (0 fetched, 1 nothing new). */
    private int fetchmail(int port, String user, String password) throws Exception {
        Path rc = dir.resolve("fetchmailrc");
        Files.writeString(
                rc,
                "set no bouncemail\nset idfile \"" + dir.resolve("fetchids") + "\"\n"
                        + "poll 127.0.0.1 service " + port + " protocol pop3 uidl auth password:\n"
                        + "  user \"" + user + "\" there with password \"" + password + "\" is \"root\" here\n"
                        + "  keep sslproto ''\n  mda \"/bin/sh -c 'cat >> " + dir.resolve("fetched") + "'\"\n");
        Files.setPosixFilePermissions(rc, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Tools.Result r = Tools.run(
                List.of(
                        "env",
                        "HOME=" + dir,
                        Tools.require("fetchmail").toString(),
                        "--nodetach",
                        "--nosyslog",
                        "-f",
                        rc.toString()),
                null);
        return r.exit();
    }

    /** mpop with keep and its UIDL file against {@code port}; returns its exit code. */
    private int mpop(int port, String user, String password) throws Exception {
        Path conf = dir.resolve("mpoprc");
        Files.writeString(
                conf,
                "account migrated\nhost 127.0.0.1\nport " + port + "\nuser " + user + "\npassword " + password
                        + "\nauth user\ntls off\nkeep on\nuidls_file " + dir.resolve("mpop-uidls") + "\ndelivery mbox "
                        + dir.resolve("mpop.mbox") + "\n");
        Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return Tools.run(List.of(Tools.require("mpop").toString(), "-C", conf.toString(), "migrated"), null)
                .exit();
    }

    private int count(String file, String prefix) throws IOException {
        Path f = dir.resolve(file);
        return Files.exists(f)
                ? (int) Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream()
                        .filter(l -> l.startsWith(prefix))
                        .count()
                : 0;
    }

    @Test
    void fetchmailAndMpopKeepingMailFetchNothingAgainAfterTheMove() throws Exception {
        Path vmail = estate();
        int dovecot = startDovecot(vmail);
        assertEquals(0, fetchmail(dovecot, "alice@example.org", PASSWORDS.get("alice@example.org")));
        assertEquals(4, count("fetched", "Subject: "), "fetchmail took everything from Dovecot");
        assertEquals(0, mpop(dovecot, "bob@example.org", PASSWORDS.get("bob@example.org")));
        assertEquals(5, count("mpop.mbox", "Subject: bob"), "mpop took everything from Dovecot");

        Path data = dir.resolve("poplar");
        Files.writeString(
                dir.resolve("users"),
                "alice@example.org {PLAIN}" + PASSWORDS.get("alice@example.org") + "\nbob@example.org {PLAIN}"
                        + PASSWORDS.get("bob@example.org") + "\n");
        CliProcess.Result moved = CliProcess.run(
                data,
                Map.of(),
                null,
                "migrate",
                "--dovecot-maildir",
                vmail + "/%d/%n/Maildir",
                "--passwd-file",
                dir.resolve("users").toString());
        assertEquals(0, moved.exit(), moved.out() + moved.err());
        Tools.run(List.of("doveadm", "-c", conf.toString(), "stop"), null);
        conf = null;

        try (TestServer poplar = TestServer.start(data)) {
            assertEquals(
                    1,
                    fetchmail(poplar.pop3Port(), "alice@example.org", PASSWORDS.get("alice@example.org")),
                    "fetchmail finds nothing new on Poplar (exit 1)");
            assertEquals(4, count("fetched", "Subject: "));
            assertEquals(0, mpop(poplar.pop3Port(), "bob@example.org", PASSWORDS.get("bob@example.org")));
            assertEquals(5, count("mpop.mbox", "Subject: bob"), "mpop fetched nothing again");
            poplar.deliver("alice@example.org", "Subject: after the move\r\n\r\nnew\r\n");
            poplar.deliver("bob@example.org", "Subject: bob after the move\r\n\r\nnew\r\n");
            assertEquals(0, fetchmail(poplar.pop3Port(), "alice@example.org", PASSWORDS.get("alice@example.org")));
            assertEquals(5, count("fetched", "Subject: "), "only the new message");
            assertEquals(1, count("fetched", "Subject: after the move"));
            assertEquals(0, mpop(poplar.pop3Port(), "bob@example.org", PASSWORDS.get("bob@example.org")));
            assertEquals(6, count("mpop.mbox", "Subject: bob"), "only the new message");
        }
    }

    @Test
    void aLivePullFromDovecotKeepsWhatItsPop3Shows() throws Exception {
        Path vmail = estate();
        int dovecot = startDovecot(vmail);
        Map<String, List<String>> before = new LinkedHashMap<>();
        for (var e : PASSWORDS.entrySet()) {
            before.put(e.getKey(), seen(dovecot, e.getKey(), e.getValue()));
        }
        Map<String, String> sourceState = snapshot(vmail);
        StringBuilder users = new StringBuilder();
        PASSWORDS.forEach((u, pw) -> users.append(u).append(' ').append(pw).append('\n'));
        Files.writeString(dir.resolve("pull-users"), users);
        Files.writeString(
                dir.resolve("passwd"),
                "alice@example.org {PLAIN}" + PASSWORDS.get("alice@example.org") + "\nbob@example.org {PLAIN}"
                        + PASSWORDS.get("bob@example.org") + "\n");
        Path data = dir.resolve("poplar");
        String from = "pop3://127.0.0.1:" + dovecot;
        CliProcess.Result pulled = CliProcess.run(
                data,
                Map.of(),
                null,
                "migrate",
                "--from",
                from,
                "--users",
                dir.resolve("pull-users").toString(),
                "--passwd-file",
                dir.resolve("passwd").toString());
        assertEquals(0, pulled.exit(), pulled.out() + pulled.err());
        assertTrue(pulled.out().contains("migrated 9 messages"), pulled.out());
        CliProcess.Result verify = CliProcess.run(
                data,
                Map.of(),
                null,
                "migrate",
                "--from",
                from,
                "--users",
                dir.resolve("pull-users").toString(),
                "--verify");
        assertEquals(0, verify.exit(), verify.out());
        try (TestServer poplar = TestServer.start(data)) {
            for (var e : PASSWORDS.entrySet()) {
                assertEquals(before.get(e.getKey()), seen(poplar.pop3Port(), e.getKey(), e.getValue()), e.getKey());
            }
        }
        assertEquals(sourceState.keySet(), snapshot(vmail).keySet(), "no message was deleted at the source (no DELE)");
    }

    @Test
    void aLivePullWithADovecotMasterUserNeedsNoUserPasswords() throws Exception {
        Path vmail = estate();
        int dovecot = startDovecot(vmail);
        List<String> before = seen(dovecot, "alice@example.org", PASSWORDS.get("alice@example.org"));
        Files.writeString(dir.resolve("names"), "alice@example.org\nbob@example.org\n");
        Files.writeString(dir.resolve("master-password"), "master-secret\n");
        Files.writeString(
                dir.resolve("passwd"),
                "alice@example.org {PLAIN}" + PASSWORDS.get("alice@example.org") + "\nbob@example.org {PLAIN}"
                        + PASSWORDS.get("bob@example.org") + "\n");
        Path data = dir.resolve("poplar");
        CliProcess.Result r = CliProcess.run(
                data,
                Map.of(),
                null,
                "migrate",
                "--from",
                "pop3://127.0.0.1:" + dovecot,
                "--users",
                dir.resolve("names").toString(),
                "--master-user",
                "migrator",
                "--master-password-file",
                dir.resolve("master-password").toString(),
                "--passwd-file",
                dir.resolve("passwd").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("migrated 9 messages"), r.out());
        try (TestServer poplar = TestServer.start(data)) {
            assertEquals(before, seen(poplar.pop3Port(), "alice@example.org", PASSWORDS.get("alice@example.org")));
        }
    }

    @Test
    void dovecotsUidlsOrderSizesAndBytesSurviveTheMove() throws Exception {
        Path vmail = estate();
        int dovecot = startDovecot(vmail);
        Map<String, List<String>> before = new LinkedHashMap<>();
        try {
            for (var e : PASSWORDS.entrySet()) {
                before.put(e.getKey(), seen(dovecot, e.getKey(), e.getValue()));
            }
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; dovecot.log: " + Files.readString(dir.resolve("dovecot/dovecot.log")), e);
        }
        assertEquals(
                List.of("000000015f5e1000", "courier-legacy-0003", "000000065f5e1000", "000000075f5e1000"),
                before.get("alice@example.org").stream()
                        .map(s -> s.split(" ")[1])
                        .toList(),
                "what Dovecot shows: UIDs with gaps, the stored P UIDL, and the new message at N");

        Map<String, String> sourceState = snapshot(vmail); // after Dovecot's own changes (flags, uidlist)
        Path passwd = dir.resolve("users.passwd");
        StringBuilder p = new StringBuilder();
        for (var e : PASSWORDS.entrySet()) {
            p.append(e.getKey())
                    .append(':')
                    .append(Tools.run(List.of("doveadm", "pw", "-s", "SHA512-CRYPT", "-p", e.getValue()), null)
                            .output()
                            .strip())
                    .append(":::\n");
        }
        Files.writeString(passwd, p);
        Path data = dir.resolve("poplar");
        String template = vmail + "/%d/%n/Maildir";
        CliProcess.Result first = CliProcess.run(
                data, Map.of(), null, "migrate", "--dovecot-maildir", template, "--passwd-file", passwd.toString());
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("migrated 9 messages"), first.out());
        CliProcess.Result again = CliProcess.run(data, Map.of(), null, "migrate", "--dovecot-maildir", template);
        assertTrue(
                again.out().contains("alice@example.org: 0 migrated, 4 already there"),
                "a rerun copies nothing: " + again.out());
        CliProcess.Result verify =
                CliProcess.run(data, Map.of(), null, "migrate", "--dovecot-maildir", template, "--verify");
        assertEquals(0, verify.exit(), verify.out());
        assertTrue(verify.out().contains("source and Poplar agree"), verify.out());

        try (TestServer poplar = TestServer.start(data)) {
            for (var e : PASSWORDS.entrySet()) {
                assertEquals(before.get(e.getKey()), seen(poplar.pop3Port(), e.getKey(), e.getValue()), e.getKey());
            }
            // The received date came from the file name: only the January 2023 message is older than June 2023.
            var old = poplar.admin()
                    .expunge(
                            "alice@example.org",
                            new dev.poplar.storage.ExpungeCriteria(
                                    false,
                                    java.util.OptionalLong.empty(),
                                    java.util.Optional.of(java.time.Instant.parse("2023-06-01T00:00:00Z")),
                                    java.util.OptionalLong.empty()));
            assertEquals(1, old.messages(), "files named 1700000000 (November 2023) are younger");
        }
        assertEquals(sourceState, snapshot(vmail), "the migration changed nothing at the source");
    }
}
