package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "app-password",
        description = "Extra, named, revocable passwords for a user's devices and scripts.",
        subcommands = {AppPasswordCommand.Add.class, AppPasswordCommand.ListAll.class, AppPasswordCommand.Revoke.class})
final class AppPasswordCommand {

    @Command(name = "add", description = "Create an app password; it is printed once and cannot be shown again.")
    static final class Add extends AdminCommand {
        @Mixin
        UserName user;

        @Parameters(index = "1", paramLabel = "LABEL", description = "What it is for, e.g. phone, thunderbird-laptop.")
        String label;

        @Override
        int run(AdminOperations admin) throws Exception {
            System.out.println(admin.addAppPassword(user.name, label));
            return 0;
        }
    }

    @Command(name = "list", description = "List a user's app passwords (labels and creation times).")
    static final class ListAll extends AdminCommand {
        @Mixin
        UserName user;

        @Override
        int run(AdminOperations admin) throws Exception {
            for (AdminOperations.AppPasswordInfo a : admin.appPasswords(user.name)) {
                System.out.println(a.label() + "\t" + a.created());
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke an app password at once (sessions already logged in go on).")
    static final class Revoke extends AdminCommand {
        @Mixin
        UserName user;

        @Parameters(index = "1", paramLabel = "LABEL")
        String label;

        @Override
        int run(AdminOperations admin) throws Exception {
            admin.revokeAppPassword(user.name, label);
            System.out.println("revoked app password " + label + " of " + user.name);
            return 0;
        }
    }
}
