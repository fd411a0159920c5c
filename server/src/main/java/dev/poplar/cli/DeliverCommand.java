package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "deliver", description = "Deliver one message from standard input to a mailbox.")
final class DeliverCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            long uid = admin.deliver(name, System.in);
            System.out.println("delivered to " + name + " as uid " + uid);
        }
        return 0;
    }
}
