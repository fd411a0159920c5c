package dev.poplar.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poplar help [COMMAND [SUBCOMMAND...]]}: the usage of any command at any depth
 * ({@code help user add}), which picocli's own help command stops one level short of.
 */
@Command(
        name = "help",
        helpCommand = true,
        description = "Show the usage of poplar or of a command: 'poplar help user add'.")
final class HelpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its subcommands.")
    String[] path = new String[0];

    @Override
    public Integer call() {
        CommandLine target = spec.parent().commandLine();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                spec.commandLine()
                        .getErr()
                        .println("poplar: no command '" + String.join(" ", path) + "'; 'poplar help' lists them");
                return 2;
            }
            target = next;
        }
        target.usage(spec.commandLine().getOut());
        return 0;
    }
}
