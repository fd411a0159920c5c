package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

        @Parameters(paramLabel = "FILE", description = "The user file, or - for standard input.")
        String file;

        @Override
        int run(AdminOperations admin) throws Exception {
            String content;
            try {
                content = file.equals("-")
                        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AdminException(
                        AdminException.Kind.INVALID,
                        "cannot read the user file: " + dev.poplar.io.IoErrors.describe(e));
            }
            long start = System.nanoTime();
            AdminOperations.ImportResult r = admin.importUsers(content, hashed);
            System.out.printf(
                    "imported users: %d created, %d updated, %d unchanged (%.1f s)%n",
                    r.created(), r.updated(), r.unchanged(), (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
