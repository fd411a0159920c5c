package dev.poplar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.LockPolicy;
import dev.poplar.tls.TlsContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        assertMessage(
                Map.of("POPLAR_TLS_ALT_CERT", "/etc/ssl/rsa.pem"),
                "invalid configuration: poplar.tls.alt-key (env POPLAR_TLS_ALT_KEY) must be set together with poplar.tls.alt-cert");
        assertMessage(
                Map.of("POPLAR_TLS_ALT_CERT", "/etc/ssl/rsa.pem", "POPLAR_TLS_ALT_KEY", "/etc/ssl/rsa.key"),
                "invalid configuration: poplar.tls.alt-cert (env POPLAR_TLS_ALT_CERT) needs poplar.tls.cert and poplar.tls.key set too");
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

    private static PoplarConfig load(String... env) throws ConfigException {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            m.put(env[i], env[i + 1]);
        }
        return ConfigLoader.load(Optional.empty(), m);
    }

    /** Every value type at its edges: what it accepts, and the message for what it refuses. */
    @Test
    void valuesAreReadAtTheirEdges() throws Exception {
        assertEquals(
                Duration.ofMillis(250),
                load("POPLAR_POP3_AUTH_TIMEOUT", "250ms").pop3().authTimeout());
        assertEquals(
                Duration.ofSeconds(90),
                load("POPLAR_POP3_AUTH_TIMEOUT", "90s").pop3().authTimeout());
        assertEquals(
                Duration.ofSeconds(45),
                load("POPLAR_POP3_AUTH_TIMEOUT", "45").pop3().authTimeout());
        assertEquals(
                Duration.ofHours(2),
                load("POPLAR_POP3_AUTH_TIMEOUT", "2H").pop3().authTimeout());
        assertEquals(
                Duration.ofMinutes(3),
                load("POPLAR_POP3_AUTH_TIMEOUT", " 3m ").pop3().authTimeout());
        assertMessage(
                Map.of("POPLAR_POP3_AUTH_TIMEOUT", "0s"),
                "invalid configuration: poplar.pop3.auth-timeout (env POPLAR_POP3_AUTH_TIMEOUT) must be positive");
        assertMessage(
                Map.of("POPLAR_POP3_AUTH_TIMEOUT", "-5s"),
                "invalid configuration: poplar.pop3.auth-timeout (env POPLAR_POP3_AUTH_TIMEOUT) must be positive");
        assertEquals(Duration.ZERO, load("POPLAR_POP3_LOGIN_DELAY", "0").pop3().loginDelay());
        assertEquals(
                Duration.ZERO, load("POPLAR_POP3_LOGIN_DELAY", "0ms").pop3().loginDelay());
        assertEquals(
                Duration.ofMinutes(5),
                load("POPLAR_POP3_LOGIN_DELAY", "5m").pop3().loginDelay());

        assertEquals(
                512L << 10, load("POPLAR_LMTP_MAX_MESSAGE_SIZE", "512K").lmtp().maxMessageSize());
        assertEquals(
                64L << 20, load("POPLAR_LMTP_MAX_MESSAGE_SIZE", "64MiB").lmtp().maxMessageSize());
        assertEquals(
                2L << 30, load("POPLAR_LMTP_MAX_MESSAGE_SIZE", "2gb").lmtp().maxMessageSize());
        assertEquals(1000, load("POPLAR_LMTP_MAX_MESSAGE_SIZE", "1000").lmtp().maxMessageSize());
        assertMessage(
                Map.of("POPLAR_LMTP_MAX_MESSAGE_SIZE", "0"),
                "invalid configuration: poplar.lmtp.max-message-size (env POPLAR_LMTP_MAX_MESSAGE_SIZE) must be positive");
        assertMessage(
                Map.of("POPLAR_LMTP_MAX_MESSAGE_SIZE", "99999999999G"),
                "invalid configuration: poplar.lmtp.max-message-size (env POPLAR_LMTP_MAX_MESSAGE_SIZE) must be a size such as 512K, 50M or 1G");
        assertEquals(0, load().quota().maxOctets(), "no quota by default");
        assertEquals(2L << 30, load("POPLAR_QUOTA_MAX_SIZE", "2G").quota().maxOctets());
        assertEquals(5, load("POPLAR_QUOTA_MAX_MESSAGES", "5").limits().maxMessages());
        assertTrue(load("POPLAR_QUOTA_FULL_TEMPFAIL", "yes").quota().tempfail());
        assertEquals(0.9, load().quota().warningRatio());
        assertEquals(0.75, load("POPLAR_QUOTA_WARNING_RATIO", "0.75").quota().warningRatio());
        for (String bad : new String[] {"0", "1.5", "-0.1", "NaN", "x"}) {
            assertThrows(ConfigException.class, () -> load("POPLAR_QUOTA_WARNING_RATIO", bad), bad);
        }
        assertEquals(0, load().retention().maxAgeMillis(), "mail is kept for ever by default");
        assertEquals(
                90L * 86_400_000,
                load("POPLAR_RETENTION_MAX_AGE", "90d").limits().retentionMillis());
        assertEquals(0, load("POPLAR_RETENTION_MAX_AGE", "never").retention().maxAgeMillis());
        for (String bad : new String[] {"-5d", "0d", "12h", "99999999d", "default", "soon"}) {
            assertMessage(
                    Map.of("POPLAR_RETENTION_MAX_AGE", bad),
                    "invalid configuration: poplar.retention.max-age (env POPLAR_RETENTION_MAX_AGE) must be a number of days such as 90d, or never"
                            + (bad.equals("default") ? "" : " (at most 36600d)"));
        }
        assertEquals(250, load("POPLAR_RETENTION_SWEEP_RATE", "250").retention().sweepRate());

        assertEquals(0, load("POPLAR_POP3_PORT", "0").pop3().port());
        assertEquals(65535, load("POPLAR_POP3_PORT", "65535").pop3().port());
        assertMessage(
                Map.of("POPLAR_POP3_PORT", "-1"),
                "invalid configuration: poplar.pop3.port (env POPLAR_POP3_PORT) must be a port number 0-65535 (0 disables the listener)");
        assertMessage(
                Map.of("POPLAR_POP3_PORT", "x"),
                "invalid configuration: poplar.pop3.port (env POPLAR_POP3_PORT) must be a whole number");
        assertEquals(1, load("POPLAR_POP3_MAX_CONNECTIONS", "1").pop3().maxConnections());
        assertMessage(
                Map.of("POPLAR_POP3_MAX_CONNECTIONS", "0"),
                "invalid configuration: poplar.pop3.max-connections (env POPLAR_POP3_MAX_CONNECTIONS) must be at least 1");
        assertEquals(0, load("POPLAR_AUTH_BAN_AFTER", "0").auth().guard().banAfter());
        assertMessage(
                Map.of("POPLAR_AUTH_BAN_AFTER", "-1"),
                "invalid configuration: poplar.auth.ban-after (env POPLAR_AUTH_BAN_AFTER) must be 0 or more");

        for (String yes : new String[] {"true", "YES", "on"}) {
            assertTrue(load("POPLAR_AUTH_APOP", yes).auth().apop(), yes);
        }
        for (String no : new String[] {"false", "No", "OFF"}) {
            assertFalse(load("POPLAR_AUTH_APOP", no).auth().apop(), no);
        }
        assertMessage(
                Map.of("POPLAR_AUTH_APOP", "maybe"),
                "invalid configuration: poplar.auth.apop (env POPLAR_AUTH_APOP) must be true or false");

        assertEquals(TlsContext.Choice.AUTO, load().tls().provider());
        assertEquals(
                TlsContext.Choice.OPENSSL,
                load("POPLAR_TLS_PROVIDER", "OpenSSL").tls().provider());
        assertEquals(
                TlsContext.Choice.OPENSSL,
                load("POPLAR_TLS_PROVIDER", "boringssl").tls().provider());
        assertEquals(
                TlsContext.Choice.JDK,
                load("POPLAR_TLS_PROVIDER", " jdk ").tls().provider());
        assertMessage(
                Map.of("POPLAR_TLS_PROVIDER", "gnutls"),
                "invalid configuration: poplar.tls.provider (env POPLAR_TLS_PROVIDER) must be auto, openssl or jdk");

        assertEquals(
                2,
                load("POPLAR_POP3_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
                        .pop3()
                        .trustedProxies()
                        .size());
        ConfigException names =
                assertThrows(ConfigException.class, () -> load("POPLAR_POP3_TRUSTED_PROXIES", "proxy.lan"));
        assertTrue(
                names.getMessage()
                        .startsWith(
                                "invalid configuration: poplar.pop3.trusted-proxies (env "
                                        + "POPLAR_POP3_TRUSTED_PROXIES) must be a comma-separated list of addresses or address/prefix blocks"),
                names.getMessage());
        assertEquals(
                List.of(dev.poplar.auth.sasl.SaslMechanism.SCRAM_SHA_256, dev.poplar.auth.sasl.SaslMechanism.PLAIN),
                load("POPLAR_AUTH_MECHANISMS", " scram-sha-256 ,, plain").auth().mechanisms());
        assertMessage(
                Map.of("POPLAR_AUTH_MECHANISMS", "PLAIN,CRAM-MD5"),
                "invalid configuration: poplar.auth.mechanisms (env POPLAR_AUTH_MECHANISMS) names unknown mechanism "
                        + "CRAM-MD5; known: PLAIN, LOGIN, SCRAM-SHA-256, OAUTHBEARER, XOAUTH2");
    }
}
