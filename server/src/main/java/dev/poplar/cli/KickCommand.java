package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "kick", description = "End live sessions (nothing is deleted: marked messages stay).")
final class KickCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--user", paramLabel = "NAME", description = "Every session of this user.")
        String user;
        @Option(names = "--session", paramLabel = "ID", description = "One session, as 'poplar who' shows it.")
        String session;
    }

    @Override
    public Integer call() throws Exception {
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            int n = admin.kick(target.user, target.session);
            System.out.println("kicked " + n + " session" + (n == 1 ? "" : "s"));
        }
        return 0;
    }
}
