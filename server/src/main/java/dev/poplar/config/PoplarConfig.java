package dev.poplar.config;

import dev.poplar.log.SessionLog;
import dev.poplar.storage.LockPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The whole configuration, typed and checked. See {@link ConfigKeys} for the meaning of each field. */
public record PoplarConfig(Path dataDir, Pop3 pop3, Lmtp lmtp, Http http, Store store, int pbkdf2Iterations,
                           Duration shutdownGrace, SessionLog.Format logFormat) {

    public record Pop3(String host, int port, Duration idleTimeout, LockPolicy maildropLock, int maxConnections,
                       int maxBadCommands) {
    }

    public record Lmtp(String host, int port, long maxMessageSize, int maxRecipients, Duration idleTimeout,
                       int maxConnections, String hostname) {
    }

    public record Http(String host, int port) {
    }

    public record Store(long blockCache, boolean blobFiles) {
    }

    static PoplarConfig from(Map<String, String> raw) throws ConfigException {
        Values v = new Values(raw);
        String dataDir = v.string(ConfigKeys.DATA_DIR);
        if (dataDir.isEmpty()) {
            throw Values.bad(ConfigKeys.DATA_DIR, "must name a directory");
        }
        LockPolicy lock = switch (v.string(ConfigKeys.POP3_MAILDROP_LOCK)) {
            case "exclusive" -> LockPolicy.EXCLUSIVE;
            case "shared" -> LockPolicy.SHARED;
            default -> throw Values.bad(ConfigKeys.POP3_MAILDROP_LOCK, "must be exclusive or shared");
        };
        int iterations = v.positive(ConfigKeys.AUTH_PBKDF2_ITERATIONS);
        SessionLog.Format logFormat = switch (v.string(ConfigKeys.LOG_FORMAT)) {
            case "text" -> SessionLog.Format.TEXT;
            case "json" -> SessionLog.Format.JSON;
            default -> throw Values.bad(ConfigKeys.LOG_FORMAT, "must be text or json");
        };
        return new PoplarConfig(Path.of(dataDir),
                new Pop3(v.string(ConfigKeys.POP3_HOST), v.port(ConfigKeys.POP3_PORT),
                        v.duration(ConfigKeys.POP3_IDLE_TIMEOUT), lock, v.positive(ConfigKeys.POP3_MAX_CONNECTIONS),
                        v.positive(ConfigKeys.POP3_MAX_BAD_COMMANDS)),
                new Lmtp(v.string(ConfigKeys.LMTP_HOST), v.port(ConfigKeys.LMTP_PORT),
                        v.size(ConfigKeys.LMTP_MAX_MESSAGE_SIZE), v.positive(ConfigKeys.LMTP_MAX_RECIPIENTS),
                        v.duration(ConfigKeys.LMTP_IDLE_TIMEOUT), v.positive(ConfigKeys.LMTP_MAX_CONNECTIONS),
                        v.string(ConfigKeys.LMTP_HOSTNAME)),
                new Http(v.string(ConfigKeys.HTTP_HOST), v.port(ConfigKeys.HTTP_PORT)),
                new Store(v.size(ConfigKeys.STORE_BLOCK_CACHE), v.bool(ConfigKeys.STORE_BLOB_FILES)),
                iterations, v.duration(ConfigKeys.SHUTDOWN_GRACE), logFormat);
    }

    /** The configuration with no file and no environment: what `poplar serve` runs with. */
    public static PoplarConfig defaults() {
        try {
            return ConfigLoader.load(java.util.Optional.empty(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid", e);
        }
    }

    /** A copy with other ports and data directory (tests, benchmarks). */
    public PoplarConfig withPorts(Path dir, int pop3Port, int lmtpPort, int httpPort) {
        return new PoplarConfig(dir,
                new Pop3(pop3.host(), pop3Port, pop3.idleTimeout(), pop3.maildropLock(), pop3.maxConnections(),
                        pop3.maxBadCommands()),
                new Lmtp(lmtp.host(), lmtpPort, lmtp.maxMessageSize(), lmtp.maxRecipients(), lmtp.idleTimeout(),
                        lmtp.maxConnections(), lmtp.hostname()),
                new Http(http.host(), httpPort), store, pbkdf2Iterations, shutdownGrace, logFormat);
    }
}
