package dev.poplar.cli;

import dev.poplar.config.ConfigException;
import dev.poplar.config.ConfigLoader;
import dev.poplar.config.PoplarConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The --config option every command shares; environment variables override the file. */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML configuration file (default: built-in defaults; POPLAR_* variables override).")
    Path file;

    PoplarConfig load() throws ConfigException {
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv());
    }
}
