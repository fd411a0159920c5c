package dev.poplar.pop3;

import dev.poplar.auth.ApopSecrets;
import dev.poplar.auth.PlaintextPolicy;
import dev.poplar.config.PoplarConfig;
import dev.poplar.storage.LockPolicy;
import dev.poplar.tls.TlsContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a POP3 listener runs with: the configuration as bound from the YAML once (the
 * {@code poplar.pop3.*} and {@code poplar.auth.*} records, not copied field by field) and what
 * the composition root made of it.
 *
 * @param implementation the RFC 2449 IMPLEMENTATION capability, e.g. "Poplar-0.2.0"
 * @param tls            the server certificate, if TLS (STLS, POP3S) is available
 * @param apop           present when APOP is enabled: the greeting then carries a timestamp
 * @param hostname       the host part of the APOP timestamp
 * @param limits         the node's default quota and retention (CAPA EXPIRE)
 */
public record Pop3Settings(
        PoplarConfig.Pop3 pop3,
        PoplarConfig.Auth auth,
        String implementation,
        Optional<TlsContext> tls,
        Optional<ApopSecrets> apop,
        String hostname,
        dev.poplar.storage.AccountLimits limits) {

    public LockPolicy lockPolicy() {
        return pop3.maildropLock();
    }

    /** RFC 1939 section 3 autologout timer (at least 10 minutes in production). */
    public Duration idleTimeout() {
        return pop3.idleTimeout();
    }

    /** The shorter timer before login, so idle unauthenticated connections go soon. */
    public Duration authTimeout() {
        return pop3.authTimeout();
    }

    /** Consecutive bad commands before the server closes the connection. */
    public int maxBadCommands() {
        return pop3.maxBadCommands();
    }

    /** When clear-text passwords are accepted. */
    public PlaintextPolicy plaintext() {
        return auth.allowPlaintext();
    }

    public List<dev.poplar.auth.sasl.SaslMechanism> saslMechanisms() {
        return auth.mechanisms();
    }
}
