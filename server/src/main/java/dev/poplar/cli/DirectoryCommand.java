package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "directory",
        description = "The LDAP and SQL user directories (docs/directories.md).",
        subcommands = {DirectoryCommand.Flush.class})
final class DirectoryCommand {

    @Command(
            name = "flush",
            description = "Forget what the directory caches remember (Dovecot's 'doveadm auth cache flush'): "
                    + "a password or account changed in LDAP or SQL takes effect at the next login.")
    static final class Flush extends AdminCommand {
        @Option(names = "--user", paramLabel = "NAME", description = "Only this login name; default: everyone.")
        String user;

        @Override
        int run(AdminOperations admin) throws Exception {
            int n = admin.flushDirectoryCache(user);
            System.out.println("flushed " + n + " cache entr" + (n == 1 ? "y" : "ies"));
            return 0;
        }
    }
}
