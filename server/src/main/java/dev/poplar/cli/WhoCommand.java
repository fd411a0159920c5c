package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.net.SessionView;
import picocli.CommandLine.Command;

@Command(name = "who", description = "List the live POP3 and LMTP sessions of the running server.")
final class WhoCommand extends AdminCommand {
    @Override
    int run(AdminOperations admin) throws Exception {
        System.out.printf(
                "%-12s %-8s %-24s %-16s %-14s %-20s %10s %12s%n",
                "SESSION", "LISTENER", "USER", "IP", "STATE", "STARTED", "BYTES-IN", "BYTES-OUT");
        for (SessionView s : admin.who()) {
            System.out.printf(
                    "%-12s %-8s %-24s %-16s %-14s %-20s %10d %12d%n",
                    s.id(),
                    s.listener(),
                    s.user().isEmpty() ? "-" : s.user(),
                    s.clientAddress(),
                    s.state().isEmpty() ? "-" : s.state(),
                    s.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    s.bytesIn(),
                    s.bytesOut());
        }
        return 0;
    }
}
