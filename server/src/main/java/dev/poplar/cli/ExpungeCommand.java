package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.ExpungeRequest;
import dev.poplar.storage.ExpungeCriteria;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "expunge", description = "Remove messages from a mailbox at once; a message matching any option goes.")
final class ExpungeCommand extends AdminCommand {
    @Mixin
    UserName user;

    @Option(names = "--all", description = "Every message.")
    boolean all;

    @Option(
            names = "--uid",
            paramLabel = "UID",
            description = "The message with this UID (the number after the '.' of its UIDL).")
    Long uid;

    @Option(names = "--older-than", paramLabel = "AGE", description = "Delivered more than AGE ago: 90d, 12h, 30m.")
    String olderThan;

    @Option(names = "--larger-than", paramLabel = "SIZE", description = "Larger than SIZE: 512K, 10M, 1G.")
    String largerThan;

    @Override
    int run(AdminOperations admin) throws Exception {
        ExpungeCriteria criteria = ExpungeRequest.parse(all, uid, olderThan, largerThan);
        ExpungeCriteria.Result r = admin.expunge(user.name, criteria);
        System.out.println("expunged " + r.messages() + " messages (" + r.octets() + " octets) from " + user.name);
        return 0;
    }
}
