package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.config.ConfigException;
import dev.poplar.server.PoplarServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code poplar} command. Exit codes: 0 ok, 1 bad input, 2 usage, 3 no such user,
 * 4 user exists, 70 internal error, 75 temporary failure (try again). See docs/cli.md.
 */
@Command(
        name = "poplar",
        mixinStandardHelpOptions = true,
        versionProvider = PoplarCli.Version.class,
        description = "Poplar POP3 server with LMTP delivery.",
        subcommands = {
            ServeCommand.class,
            UserCommand.class,
            DeliverCommand.class,
            ImportCommand.class,
            MailboxCommand.class,
            TlsCommand.class,
            WhoCommand.class,
            KickCommand.class,
            DirectoryCommand.class,
            ClusterCommand.class,
            DrainCommand.class,
            ExpungeCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            CheckCommand.class,
            MigrateCommand.class,
            CompletionCommand.class,
            HelpCommand.class
        })
public final class PoplarCli {
    public static void main(String[] args) {
        Logging.configure();
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new PoplarCli());
        withHelpEverywhere(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("poplar: " + e.getMessage());
            return switch (e) {
                case AdminException a -> a.kind().exitCode;
                case ConfigException c -> 1;
                case PoplarServer.ServerStartException s -> 1;
                default -> {
                    e.printStackTrace(cmd.getErr());
                    yield 70;
                }
            };
        });
        return cli.execute(args);
    }

    /** Every command answers --help (and -h) with its usage and exit 0, however deep. */
    private static void withHelpEverywhere(CommandLine command) {
        if (!command.getCommandSpec().mixinStandardHelpOptions()) {
            command.getCommandSpec().mixinStandardHelpOptions(true);
        }
        command.getSubcommands().values().forEach(PoplarCli::withHelpEverywhere);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"poplar " + PoplarServer.VERSION + " (Java " + Runtime.version() + ")"};
        }
    }
}
