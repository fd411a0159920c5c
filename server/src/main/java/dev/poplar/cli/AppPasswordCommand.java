package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "app-password", description = "Extra, named, revocable passwords for a user's devices and scripts.",
        subcommands = {AppPasswordCommand.Add.class, AppPasswordCommand.ListAll.class, AppPasswordCommand.Revoke.class})
final class AppPasswordCommand {

    @Command(name = "add", description = "Create an app password; it is printed once and cannot be shown again.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "LABEL", description = "What it is for, e.g. phone, thunderbird-laptop.")
        String label;

        @Override
        public Integer call() throws Exception {
            try (AdminOperations admin = AdminConnector.connect(config.load())) {
                System.out.println(admin.addAppPassword(name, label));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List a user's app passwords (labels and creation times).")
    static final class ListAll implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (AdminOperations admin = AdminConnector.connect(config.load())) {
                for (AdminOperations.AppPasswordInfo a : admin.appPasswords(name)) {
                    System.out.println(a.label() + "\t" + a.created());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke an app password at once (sessions already logged in go on).")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "LABEL")
        String label;

        @Override
        public Integer call() throws Exception {
            try (AdminOperations admin = AdminConnector.connect(config.load())) {
                admin.revokeAppPassword(name, label);
            }
            System.out.println("revoked app password " + label + " of " + name);
            return 0;
        }
    }
}
