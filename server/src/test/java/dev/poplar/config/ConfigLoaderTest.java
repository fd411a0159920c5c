package dev.poplar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.LockPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDocumentedOnes() {
        PoplarConfig c = PoplarConfig.defaults();
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals("127.0.0.1", c.pop3().host());
        assertEquals(1110, c.pop3().port());
        assertEquals(2424, c.lmtp().port());
        assertEquals(8110, c.http().port());
        assertEquals(Duration.ofMinutes(10), c.pop3().idleTimeout());
        assertEquals(LockPolicy.EXCLUSIVE, c.pop3().maildropLock());
        assertEquals(50L << 20, c.lmtp().maxMessageSize());
    }

    @Test
    void yamlThenEnvironmentOverride() throws Exception {
        Path f = dir.resolve("poplar.yaml");
        Files.writeString(f, """
                poplar:
                  data-dir: /var/lib/poplar
                  pop3: { host: 0.0.0.0, port: 110, maildrop-lock: shared, idle-timeout: 15m }
                  lmtp: { port: 0, max-message-size: 25M }
                """);
        PoplarConfig c = ConfigLoader.load(Optional.of(f), Map.of("POPLAR_POP3_PORT", "1110", "POPLAR_HTTP_PORT", "0"));
        assertEquals(Path.of("/var/lib/poplar"), c.dataDir());
        assertEquals("0.0.0.0", c.pop3().host());
        assertEquals(1110, c.pop3().port(), "environment wins over the file");
        assertEquals(LockPolicy.SHARED, c.pop3().maildropLock());
        assertEquals(Duration.ofMinutes(15), c.pop3().idleTimeout());
        assertEquals(0, c.lmtp().port());
        assertEquals(25L << 20, c.lmtp().maxMessageSize());
        assertEquals(0, c.http().port());
    }

    @Test
    void errorsNameTheKeyAndTheFix() throws Exception {
        assertMessage(
                Map.of("POPLAR_POP3_PORT", "70000"),
                "invalid configuration: poplar.pop3.port (env POPLAR_POP3_PORT) must be a port number 0-65535 (0 disables the listener)");
        assertMessage(
                Map.of("POPLAR_POP3_MAILDROP_LOCK", "sometimes"),
                "invalid configuration: poplar.pop3.maildrop-lock (env POPLAR_POP3_MAILDROP_LOCK) must be exclusive or shared");
        assertMessage(
                Map.of("POPLAR_POP3_IDLE_TIMEOUT", "soon"),
                "invalid configuration: poplar.pop3.idle-timeout (env POPLAR_POP3_IDLE_TIMEOUT) must be a duration such as 30s, 10m or 1h");
        assertMessage(
                Map.of("POPLAR_LMTP_MAX_MESSAGE_SIZE", "big"),
                "invalid configuration: poplar.lmtp.max-message-size (env POPLAR_LMTP_MAX_MESSAGE_SIZE) must be a size such as 512K, 50M or 1G");
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "poplar:\n  lmtp:\n    max-mesage-size: 1M\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertTrue(e.getMessage().contains("did you mean poplar.lmtp.max-message-size?"), e.getMessage());
        Files.writeString(f, "poplar: [not, a, map\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
    }

    private static void assertMessage(Map<String, String> env, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        for (ConfigKeys.Key k : ConfigKeys.ALL.values()) {
            assertTrue(text.contains("`" + k.name() + "`"), "docs/configuration.md lacks " + k.name());
            assertTrue(text.contains(k.envName()), "docs/configuration.md lacks " + k.envName());
        }
    }
}
