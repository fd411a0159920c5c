package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "backup", description = "Write a consistent backup of the store to a new directory, "
        + "while the server runs (or not). Restore it with 'poplar restore'.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "A directory that does not exist yet, on the server's filesystem.")
    String dir;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            long accounts = admin.backup(dir);
            System.out.printf("backup of %d accounts written to %s (%.1f s)%n", accounts, dir, (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
