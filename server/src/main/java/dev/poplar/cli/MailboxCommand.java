package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.storage.MailboxStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "mailbox", description = "Inspect mailboxes.", subcommands = MailboxCommand.Stats.class)
final class MailboxCommand {

    @Command(name = "stats", description = "Message count, size and UID state of a mailbox.")
    static final class Stats extends AdminCommand {
        @Mixin
        UserName user;

        @Override
        int run(AdminOperations admin) throws Exception {
            MailboxStats s = admin.stats(user.name);
            System.out.println("user:      " + s.name());
            System.out.println("messages:  " + s.messages());
            System.out.println("octets:    " + s.octets());
            System.out.println("next-uid:  " + s.nextUid());
            System.out.println("epoch:     " + s.epoch());
            return 0;
        }
    }
}
