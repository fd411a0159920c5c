package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kick", description = "End live sessions (nothing is deleted: marked messages stay).")
final class KickCommand extends AdminCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--user", paramLabel = "NAME", description = "Every session of this user.")
        String user;

        @Option(names = "--session", paramLabel = "ID", description = "One session, as 'poplar who' shows it.")
        String session;
    }

    @Override
    int run(AdminOperations admin) throws Exception {
        int n = admin.kick(target.user, target.session);
        System.out.println("kicked " + n + " session" + (n == 1 ? "" : "s"));
        return 0;
    }
}
