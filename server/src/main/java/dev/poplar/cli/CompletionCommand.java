package dev.poplar.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code poplar completion}: the bash completion script, generated from the same command model
 * that parses the arguments, so it can never list a command or option that does not exist. The
 * package installs its output as /usr/share/bash-completion/completions/poplar.
 */
@Command(
        name = "completion",
        description = {
            "Print the bash completion script for poplar.",
            "Use: source <(poplar completion); the package installs it already."
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("poplar", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
