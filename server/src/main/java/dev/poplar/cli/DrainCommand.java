package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.ServerControl;
import picocli.CommandLine.Command;

@Command(
        name = "drain",
        description = "Stop accepting POP3 and LMTP connections and report not ready, "
                + "letting live sessions finish (before a restart). Undone only by restarting.")
final class DrainCommand extends AdminCommand {
    @Override
    int run(AdminOperations admin) throws Exception {
        ServerControl.DrainStatus s = admin.drain();
        System.out.println("draining: " + s.sessions() + " live session" + (s.sessions() == 1 ? "" : "s"));
        return 0;
    }
}
