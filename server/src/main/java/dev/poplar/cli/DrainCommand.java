package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.ServerControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "drain", description = "Stop accepting POP3 and LMTP connections and report not ready, "
        + "letting live sessions finish (before a restart). Undone only by restarting.")
final class DrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            ServerControl.DrainStatus s = admin.drain();
            System.out.println("draining: " + s.sessions() + " live session" + (s.sessions() == 1 ? "" : "s"));
        }
        return 0;
    }
}
