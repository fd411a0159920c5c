package dev.poplar.pop3;

import java.util.Optional;

/**
 * RFC 1939 session states. UPDATE is not a state a session rests in: QUIT in TRANSACTION
 * performs it and the connection closes.
 */
public sealed interface SessionState permits SessionState.Authorization, SessionState.Sasl, Transaction {
    /** Before login; {@code user} is set after a USER command. */
    record Authorization(Optional<String> user) implements SessionState {
        public static Authorization start() {
            return new Authorization(Optional.empty());
        }
    }

    /** A SASL exchange is running (RFC 5034): every line is a response until it ends. */
    record Sasl(
            dev.poplar.auth.sasl.SaslExchange exchange, dev.poplar.auth.sasl.SaslMechanism mechanism, long startedNanos)
            implements SessionState {}
}
