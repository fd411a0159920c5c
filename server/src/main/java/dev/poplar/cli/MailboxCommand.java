package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.storage.MailboxStats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "mailbox", description = "Inspect mailboxes.", subcommands = MailboxCommand.Stats.class)
final class MailboxCommand {

    @Command(name = "stats", description = "Message count, size and UID state of a mailbox.")
    static final class Stats implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (AdminOperations admin = AdminConnector.connect(config.load())) {
                MailboxStats s = admin.stats(name);
                System.out.println("user:      " + s.name());
                System.out.println("messages:  " + s.messages());
                System.out.println("octets:    " + s.octets());
                System.out.println("next-uid:  " + s.nextUid());
                System.out.println("epoch:     " + s.epoch());
            }
            return 0;
        }
    }
}
