package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "deliver", description = "Deliver one message from standard input to a mailbox.")
final class DeliverCommand extends AdminCommand {
    @Mixin
    UserName user;

    @Override
    int run(AdminOperations admin) throws Exception {
        long uid = admin.deliver(user.name, System.in);
        System.out.println("delivered to " + user.name + " as uid " + uid);
        return 0;
    }
}
