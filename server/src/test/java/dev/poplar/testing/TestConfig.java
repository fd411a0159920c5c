package dev.poplar.testing;

import dev.poplar.config.ConfigException;
import dev.poplar.config.ConfigLoader;
import dev.poplar.config.PoplarConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A configuration for tests: the defaults with some keys set, by the names operators use. */
public final class TestConfig {
    private TestConfig() {}

    /** {@code with("poplar.lmtp.max-recipients", "3", ...)}: key, value pairs. */
    public static PoplarConfig with(String... keysAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(
                    keysAndValues[i]
                            .toUpperCase(java.util.Locale.ROOT)
                            .replace('.', '_')
                            .replace('-', '_'),
                    keysAndValues[i + 1]);
        }
        try {
            return ConfigLoader.load(Optional.empty(), env);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
