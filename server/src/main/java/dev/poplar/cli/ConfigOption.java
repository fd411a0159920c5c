package dev.poplar.cli;

import dev.poplar.config.ConfigException;
import dev.poplar.config.ConfigLoader;
import dev.poplar.config.PoplarConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The --config option every command shares; environment variables override the file. Without the
 * option, POPLAR_CONFIG names the file: the installed launcher sets it to /etc/poplar/poplar.yaml,
 * so {@code sudo poplar user add} on a packaged host reaches the service's store, not ./data.
 */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:POPLAR_CONFIG}",
            description = "YAML configuration file (default: $POPLAR_CONFIG, which the installed poplar sets to "
                    + "/etc/poplar/poplar.yaml, else built-in defaults; POPLAR_* variables override).")
    Path file;

    PoplarConfig load() throws ConfigException {
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv());
    }
}
