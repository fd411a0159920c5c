package dev.poplar.pop3;

import dev.poplar.auth.ApopSecrets;
import dev.poplar.auth.PlaintextPolicy;
import dev.poplar.storage.LockPolicy;
import dev.poplar.tls.TlsContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * POP3 session settings.
 *
 * @param idleTimeout    RFC 1939 section 3 autologout timer (at least 10 minutes in production)
 * @param authTimeout    the shorter timer before login, so idle unauthenticated connections go soon
 * @param maxBadCommands consecutive bad commands before the server closes the connection
 * @param tls            the server certificate, if TLS (STLS, POP3S) is available
 * @param plaintext      when clear-text passwords are accepted
 * @param apop           present when APOP is enabled: the greeting then carries a timestamp
 * @param hostname       the host part of the APOP timestamp
 */
public record Pop3Settings(LockPolicy lockPolicy, Duration idleTimeout, Duration authTimeout, int maxBadCommands,
                           String implementation, Optional<TlsContext> tls, PlaintextPolicy plaintext,
                           List<String> saslMechanisms, Optional<ApopSecrets> apop, String hostname) {

    /** Settings for tests of the engine: no TLS, plaintext allowed, PLAIN and SCRAM. */
    public static Pop3Settings basic(LockPolicy lockPolicy, Duration idleTimeout, int maxBadCommands) {
        return new Pop3Settings(lockPolicy, idleTimeout, idleTimeout, maxBadCommands, "Poplar-test", Optional.empty(),
                PlaintextPolicy.ALWAYS, List.of("PLAIN", "SCRAM-SHA-256"), Optional.empty(), "localhost");
    }
}
