package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "backup",
        description = "Write a consistent backup of the store to a new directory, "
                + "while the server runs (or not). Restore it with 'poplar restore'.")
final class BackupCommand extends AdminCommand {
    @Parameters(paramLabel = "DIR", description = "A directory that does not exist yet, on the server's filesystem.")
    String dir;

    @Override
    int run(AdminOperations admin) throws Exception {
        long start = System.nanoTime();
        long accounts = admin.backup(dir);
        System.out.printf(
                "backup of %d accounts written to %s (%.1f s)%n", accounts, dir, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
