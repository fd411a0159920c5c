package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.config.LimitSyntax;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.MailboxStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "mailbox",
        description = "Inspect mailboxes.",
        subcommands = {
            MailboxCommand.Stats.class,
            MailboxCommand.ListMailboxes.class,
            MailboxCommand.Summary.class,
            MailboxCommand.Sweep.class
        })
final class MailboxCommand {

    @Command(name = "stats", description = "Message count, size, quota use, retention and UID state of a mailbox.")
    static final class Stats extends AdminCommand {
        @Mixin
        UserName user;

        @Override
        int run(AdminOperations admin) throws Exception {
            MailboxStats s = admin.stats(user.name);
            printUsage(s);
            System.out.println("next-uid:  " + s.nextUid());
            System.out.println("epoch:     " + s.epoch());
            return 0;
        }
    }

    /** The lines `mailbox stats` and `user limits` share: counts against their limits. */
    static void printUsage(MailboxStats s) {
        AccountLimits l = s.limits();
        System.out.println("user:      " + s.name());
        System.out.println("messages:  " + s.messages()
                + of(s.messages(), l.maxMessages(), LimitSyntax.describeMessages(l.maxMessages())));
        System.out.println(
                "octets:    " + s.octets() + of(s.octets(), l.maxOctets(), LimitSyntax.describeSize(l.maxOctets())));
        System.out.println("retention: " + LimitSyntax.describeRetention(l.retentionMillis()));
    }

    private static String of(long used, long limit, String described) {
        if (limit <= 0) {
            return " (no quota)";
        }
        return " of " + described + String.format(" (%.1f%%)", 100.0 * used / limit);
    }

    @Command(
            name = "list",
            description = "Mailboxes with their message count, octets and quota use, one per line, sorted by name.")
    static final class ListMailboxes extends AdminCommand {
        @Option(names = "--prefix", description = "Only names that start with this.")
        String prefix = "";

        @Option(names = "--page-size", defaultValue = "1000", description = "Mailboxes fetched per request (1-10000).")
        int pageSize;

        @Override
        int run(AdminOperations admin) throws Exception {
            System.out.println("# name messages octets quota-used");
            String after = null;
            do {
                AdminOperations.Page<MailboxStats> page = admin.mailboxes(prefix, after, pageSize);
                for (MailboxStats s : page.items()) {
                    System.out.println(s.name() + " " + s.messages() + " " + s.octets() + " " + used(s));
                }
                System.out.flush();
                after = page.next();
            } while (after != null);
            return 0;
        }
    }

    @Command(
            name = "summary",
            description = "The whole node: mailboxes, messages, octets, mailboxes nearly full or full, the largest.")
    static final class Summary extends AdminCommand {
        @Option(names = "--top", defaultValue = "10", description = "How many of the largest mailboxes to list.")
        int top;

        @Override
        int run(AdminOperations admin) throws Exception {
            AdminOperations.NodeSummary s = admin.summary(top);
            System.out.println("mailboxes:   " + s.mailboxes());
            System.out.println("messages:    " + s.messages());
            System.out.println("octets:      " + s.octets());
            System.out.println("nearly-full: " + s.nearlyFull() + " (at or above poplar.quota.warning-ratio)");
            System.out.println("full:        " + s.full());
            if (!s.largest().isEmpty()) {
                System.out.println("largest:");
                for (MailboxStats m : s.largest()) {
                    System.out.println("  " + m.name() + " " + m.messages() + " messages, " + m.octets() + " octets, "
                            + used(m) + " of quota");
                }
            }
            return 0;
        }
    }

    @Command(
            name = "sweep",
            description = "Run the retention sweep now: expunge mail older than each mailbox's retention "
                    + "(mailboxes held by a session are left for the next sweep) and count full mailboxes.")
    static final class Sweep extends AdminCommand {
        @Override
        int run(AdminOperations admin) throws Exception {
            var r = admin.sweep();
            System.out.println("mailboxes:   " + r.mailboxes() + " in " + r.tookMillis() + " ms");
            System.out.println("expunged:    " + r.expungedMessages() + " messages, " + r.expungedOctets() + " octets");
            System.out.println("in-use:      " + r.inUse() + " (left for the next sweep)");
            System.out.println("nearly-full: " + r.nearlyFull());
            System.out.println("full:        " + r.full());
            return 0;
        }
    }

    private static String used(MailboxStats s) {
        return s.limits().quotaLimited() ? String.format("%.1f%%", 100 * s.quotaUsed()) : "-";
    }
}
