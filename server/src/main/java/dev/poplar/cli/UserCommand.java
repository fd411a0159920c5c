package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "user",
        description = "Manage users.",
        subcommands = {
            UserCommand.Add.class,
            UserCommand.Passwd.class,
            UserCommand.Del.class,
            UserCommand.ListUsers.class,
            UserCommand.Limits.class,
            UserCommand.Import.class,
            AppPasswordCommand.class,
            UserCommand.ApopSecret.class
        })
final class UserCommand {

    @Command(name = "add", description = "Create a user; the password comes from the terminal or standard input.")
    static final class Add extends AdminCommand {
        @Mixin
        UserName user;

        @Mixin
        PasswordInput password;

        @Override
        int run(AdminOperations admin) throws Exception {
            admin.addUser(user.name, password.read());
            System.out.println("user " + user.name + " created");
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set a user's password.")
    static final class Passwd extends AdminCommand {
        @Mixin
        UserName user;

        @Mixin
        PasswordInput password;

        @Override
        int run(AdminOperations admin) throws Exception {
            admin.setPassword(user.name, password.read());
            System.out.println("password of " + user.name + " changed");
            return 0;
        }
    }

    @Command(
            name = "apop-secret",
            description = "Set (from the terminal or standard input) or remove a user's "
                    + "APOP secret; APOP must be enabled with poplar.auth.apop.")
    static final class ApopSecret extends AdminCommand {
        @Mixin
        UserName user;

        @Option(names = "--secret-stdin", description = "Read the secret from the first line of standard input.")
        boolean stdin;

        @Option(names = "--remove", description = "Remove the secret: APOP stops working for this user.")
        boolean remove;

        @Override
        int run(AdminOperations admin) throws Exception {
            admin.setApopSecret(user.name, remove ? null : Passwords.read(stdin));
            System.out.println(
                    remove ? "APOP secret of " + user.name + " removed" : "APOP secret of " + user.name + " set");
            return 0;
        }
    }

    @Command(name = "del", description = "Delete a user and all of their mail.")
    static final class Del extends AdminCommand {
        @Mixin
        UserName user;

        @Override
        int run(AdminOperations admin) throws Exception {
            admin.deleteUser(user.name);
            System.out.println("user " + user.name + " deleted");
            return 0;
        }
    }

    @Command(name = "list", description = "List users, one per line.")
    static final class ListUsers extends AdminCommand {
        @Option(names = "--prefix", description = "Only names that start with this (e.g. a domain's first letters).")
        String prefix = "";

        @Option(
                names = "--page-size",
                defaultValue = "1000",
                description = "Names fetched per request (1-10000); memory stays bounded whatever the node holds.")
        int pageSize;

        /** Prints each page as it arrives: a million users never sit in memory at once. */
        @Override
        int run(AdminOperations admin) throws Exception {
            String after = null;
            do {
                AdminOperations.Page<String> page = admin.listUsers(prefix, after, pageSize);
                page.items().forEach(System.out::println);
                System.out.flush();
                after = page.next();
            } while (after != null);
            return 0;
        }
    }

    @Command(
            name = "limits",
            description = "Show or set a user's own quota and retention; 'default' returns a value to the node's "
                    + "(poplar.quota.*, poplar.retention.max-age).")
    static final class Limits extends AdminCommand {
        @Mixin
        UserName user;

        @Option(names = "--quota-size", description = "Storage quota: 512M, 2G, none or default.")
        String quotaSize;

        @Option(names = "--quota-messages", description = "Most messages: a count, none or default.")
        String quotaMessages;

        @Option(names = "--retention", description = "Expunge mail older than this many days: 90d, never or default.")
        String retention;

        @Override
        int run(AdminOperations admin) throws Exception {
            if (quotaSize != null || quotaMessages != null || retention != null) {
                admin.setLimits(user.name, new AdminOperations.LimitChange(quotaSize, quotaMessages, retention));
            }
            MailboxCommand.printUsage(admin.stats(user.name));
            return 0;
        }
    }

    @Command(
            name = "import",
            description = "Create or update users from a file of 'name password' lines (idempotent); "
                    + "with --hashed, of password hashes from another server.")
    static final class Import extends AdminCommand {
        @Option(
                names = "--hashed",
                description = "Lines are 'name {SCHEME}hash' or Dovecot passwd-file lines "
                        + "'name:{SCHEME}hash:...'; each user logs in with its old password (docs/migration.md).")
        boolean hashed;

        @Option(
                names = "--skip-existing",
                description = "Leave users that exist as they are, without comparing passwords: resumes an "
                        + "interrupted import quickly.")
        boolean skipExisting;

        @Option(
                names = "--batch-size",
                defaultValue = "1000",
                description = "Users per request and per synced write (1-10000).")
        int batchSize;

        @Parameters(paramLabel = "FILE", description = "The user file, or - for standard input.")
        String file;

        /**
         * Streams the file in batches, each one request that finishes in seconds (no request can
         * time out however large the file), with progress on standard error. A file is checked
         * whole first, so a bad line anywhere imports nothing; standard input is checked batch by
         * batch.
         */
        @Override
        int run(AdminOperations admin) throws Exception {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new AdminException(AdminException.Kind.INVALID, "--batch-size must be between 1 and 10000");
            }
            boolean stdin = file.equals("-");
            long total = stdin ? -1 : UserFileCheck.check(Path.of(file), hashed);
            ImportProgress progress = new ImportProgress(total);
            long created = 0;
            long updated = 0;
            long unchanged = 0;
            try (UserFileLines lines = new UserFileLines(stdin ? System.in : UserFileCheck.open(Path.of(file)))) {
                StringBuilder batch = new StringBuilder();
                int inBatch = 0;
                int firstLine = 1;
                for (String l = lines.next(); ; l = lines.next()) {
                    if (l != null) {
                        batch.append(l).append('\n');
                        if (!l.isBlank() && !l.stripLeading().startsWith("#")) {
                            inBatch++;
                        }
                    }
                    if ((l == null || inBatch == batchSize) && inBatch > 0) {
                        AdminOperations.ImportResult r;
                        try {
                            r = admin.importUsers(batch.toString(), hashed, skipExisting);
                        } catch (AdminException e) {
                            throw new AdminException(
                                    e.kind(),
                                    (firstLine > 1
                                                    ? "import stopped at lines " + firstLine + "-" + lines.number()
                                                            + " (the users before them are imported; run the same "
                                                            + "command with --skip-existing to resume): "
                                                    : "")
                                            + e.getMessage());
                        }
                        created += r.created();
                        updated += r.updated();
                        unchanged += r.unchanged();
                        progress.done(inBatch);
                        batch.setLength(0);
                        inBatch = 0;
                        firstLine = lines.number() + 1;
                    }
                    if (l == null) {
                        break;
                    }
                }
            }
            progress.finish();
            System.out.printf(
                    "imported users: %d created, %d updated, %d unchanged (%.1f s)%n",
                    created, updated, unchanged, progress.seconds());
            return 0;
        }
    }
}
