package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.config.PoplarConfig;
import dev.poplar.migrate.DovecotMaildir;
import dev.poplar.migrate.Mbox;
import dev.poplar.migrate.Migrator;
import dev.poplar.migrate.Pop3Pull;
import dev.poplar.migrate.UserDirectories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "migrate",
        description = "Move mailboxes into Poplar from a Dovecot Maildir estate or any live POP3 server, "
                + "with UIDLs, order, bytes and dates intact; resumable (a rerun copies only what is missing); the source is never "
                + "changed. See docs/migration.md.")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(
            names = "--dovecot-maildir",
            paramLabel = "TEMPLATE",
            description = "Where each user's Maildir is, as Dovecot's mail_location: /var/vmail/%%d/%%n/Maildir "
                    + "(%%d domain, %%n local part, %%u user).")
    String template;

    @Option(
            names = "--courier-maildir",
            paramLabel = "TEMPLATE",
            description = "Each user's Courier or qmail-style Maildir (%%d, %%n, %%u as for --dovecot-maildir); "
                    + "UIDLs from courierpop3dsizelist, else the file names.")
    String courierTemplate;

    @Option(
            names = "--mbox",
            paramLabel = "TEMPLATE",
            description = "Each user's mbox file: /var/mail/%%n " + "(%%d, %%n, %%u as for --dovecot-maildir).")
    String mboxTemplate;

    @picocli.CommandLine.Mixin
    MboxFormatOption mboxFormat;

    @Option(
            names = "--from",
            paramLabel = "URI",
            description = "A live POP3 server: pop3://host[:port], "
                    + "pop3://host[:port]?stls or pop3s://host[:port]; needs --users.")
    java.net.URI from;

    @Option(
            names = "--users",
            paramLabel = "FILE",
            description = "With --from: 'name password' lines (or, with " + "--master-user, one name per line).")
    Path usersFile;

    @Option(
            names = "--master-user",
            paramLabel = "NAME",
            description = "With --from: log in as 'user*NAME' "
                    + "(Dovecot's master user) with the password from --master-password-file.")
    String masterUser;

    @Option(
            names = "--master-password-file",
            paramLabel = "FILE",
            description = "The master user's password (first line).")
    Path masterPasswordFile;

    @Option(
            names = "--uidl-format",
            defaultValue = "%08Xu%08Xv",
            paramLabel = "FORMAT",
            description =
                    "Dovecot's pop3_uidl_format, for messages without a stored POP3 UIDL (default: ${DEFAULT-VALUE}).")
    String uidlFormat;

    @Option(
            names = "--passwd-file",
            paramLabel = "FILE",
            description = "Import these users and their password hashes first (as 'user import --hashed').")
    Path passwdFile;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Users migrated at once (default: the number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--verify",
            description = "Compare source and Poplar (UIDLs, order, sizes, SHA-256) instead of migrating; "
                    + "exit 65 when they differ.")
    boolean verify;

    /** Each user's mbox file or mail directory the template names; none, or a bad template, is bad input. */
    private static Map<String, Path> userPaths(String template, boolean files, String what)
            throws AdminException, java.io.IOException {
        Map<String, Path> found;
        try {
            found = UserDirectories.find(template, files);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
        if (found.isEmpty()) {
            throw new AdminException(AdminException.Kind.INVALID, "no " + what + " matches " + template);
        }
        return found;
    }

    private Pop3Pull pop3Pull(PoplarConfig cfg) throws AdminException {
        if (usersFile == null) {
            throw new AdminException(AdminException.Kind.INVALID, "--from needs --users FILE");
        }
        if ((masterUser == null) != (masterPasswordFile == null)) {
            throw new AdminException(
                    AdminException.Kind.INVALID, "--master-user and --master-password-file go together");
        }
        Map<String, String> passwords = new java.util.LinkedHashMap<>();
        String masterPassword = null;
        try {
            for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int sep = l.indexOf(' ');
                if (masterUser != null) {
                    passwords.put(sep < 0 ? l : l.substring(0, sep), null);
                } else if (sep <= 0) {
                    throw new AdminException(
                            AdminException.Kind.INVALID, usersFile + ": expected 'name password' lines");
                } else {
                    passwords.put(l.substring(0, sep), l.substring(sep + 1));
                }
            }
            if (masterPasswordFile != null) {
                masterPassword = Files.readAllLines(masterPasswordFile, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("");
            }
        } catch (java.io.IOException e) {
            throw new AdminException(AdminException.Kind.INVALID, "cannot read: " + dev.poplar.io.IoErrors.describe(e));
        }
        try {
            return new Pop3Pull(
                    from, passwords, masterUser, masterPassword, cfg.lmtp().maxMessageSize());
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PoplarConfig cfg = config.load();
        if ((template != null ? 1 : 0)
                        + (courierTemplate != null ? 1 : 0)
                        + (from != null ? 1 : 0)
                        + (mboxTemplate != null ? 1 : 0)
                != 1) {
            throw new AdminException(
                    AdminException.Kind.INVALID,
                    "say where the mail is: one of --dovecot-maildir TEMPLATE, --courier-maildir TEMPLATE, "
                            + "--mbox TEMPLATE or --from URI");
        }
        Migrator.Source source;
        List<String> names;
        if (mboxTemplate != null) {
            Mbox.Variant variant = mboxFormat.variant();
            Map<String, Path> files = userPaths(mboxTemplate, true, "mbox file");
            source = user -> Mbox.read(files.get(user), variant);
            names = List.copyOf(files.keySet());
        } else if (courierTemplate != null) {
            Map<String, Path> dirs = userPaths(courierTemplate, false, "mail directory");
            source = user -> dev.poplar.migrate.CourierMaildir.read(dirs.get(user));
            names = List.copyOf(dirs.keySet());
        } else if (template != null) {
            try {
                DovecotMaildir.format(uidlFormat);
            } catch (IllegalArgumentException e) {
                throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
            }
            Map<String, Path> dirs = userPaths(template, false, "mail directory");
            source = user -> DovecotMaildir.read(dirs.get(user), uidlFormat);
            names = List.copyOf(dirs.keySet());
        } else {
            Pop3Pull pull = pop3Pull(cfg);
            source = pull;
            names = pull.users();
        }
        try (AdminOperations admin = AdminConnector.connect(cfg)) {
            Migrator migrator = new Migrator(admin, cfg.lmtp().maxMessageSize(), threads, System.err);
            if (verify) {
                List<Migrator.Difference> diffs = migrator.verify(names, source);
                diffs.forEach(d -> System.out.println(d.user() + ": " + d.what()));
                System.out.println(
                        diffs.isEmpty()
                                ? "verified " + names.size() + " users: source and Poplar agree"
                                : diffs.size() + " differences in " + names.size() + " users");
                return diffs.isEmpty() ? 0 : 65;
            }
            if (passwdFile != null) {
                String content;
                try {
                    content = Files.readString(passwdFile, StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new AdminException(
                            AdminException.Kind.INVALID,
                            "cannot read the passwd file: " + dev.poplar.io.IoErrors.describe(e));
                }
                AdminOperations.ImportResult r = admin.importUsers(content, true);
                System.out.printf(
                        "users: %d created, %d updated, %d unchanged%n", r.created(), r.updated(), r.unchanged());
            }
            Migrator.Report report = migrator.migrate(names, source);
            for (Migrator.UserReport u : report.users()) {
                System.out.printf(
                        "%s: %d migrated, %d already there, %d skipped%n",
                        u.user(), u.migrated(), u.alreadyThere(), u.skipped().size());
                u.skipped().forEach(s -> System.out.println("  skipped: " + s));
            }
            int migrated = report.users().stream()
                    .mapToInt(Migrator.UserReport::migrated)
                    .sum();
            int already = report.users().stream()
                    .mapToInt(Migrator.UserReport::alreadyThere)
                    .sum();
            System.out.printf(
                    "migrated %,d messages (%.1f MB), %,d already there, for %d users in %.1f s (%,.0f messages/s); "
                            + "%d items skipped%n",
                    migrated,
                    report.bytes() / 1e6,
                    already,
                    report.users().size(),
                    report.seconds(),
                    migrated / Math.max(0.001, report.seconds()),
                    report.skipped());
        }
        return 0;
    }
}
