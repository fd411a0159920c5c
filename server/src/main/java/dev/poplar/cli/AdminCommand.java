package dev.poplar.cli;

import dev.poplar.admin.AdminOperations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that runs admin operations: through the running server's admin API when one holds
 * the data directory, else on the stopped store ({@link AdminConnector}). Each command says only
 * what it does with the operations and what it prints; the exit code of a failure comes from its
 * {@link dev.poplar.admin.AdminException.Kind} (PoplarCli).
 */
abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public final Integer call() throws Exception {
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            return run(admin);
        }
    }

    /** Runs the command; returns the exit code (0 for success). */
    abstract int run(AdminOperations admin) throws Exception;
}
