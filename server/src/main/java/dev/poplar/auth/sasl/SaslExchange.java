package dev.poplar.auth.sasl;

import dev.poplar.storage.StoreException;

/**
 * One SASL authentication in progress (RFC 4422): the server side of a mechanism. Responses and
 * challenges are raw bytes; the protocol layer does the base64 (RFC 5034 section 4).
 */
public interface SaslExchange {
    /** The first step, with the client's initial response if it sent one. */
    Step start(byte[] initialResponse) throws StoreException;

    /** The next step, given the client's response to the last challenge. */
    Step next(byte[] response) throws StoreException;

    /** What the server does next. */
    sealed interface Step {
        /** Send this challenge ("+ base64") and wait for a response. */
        record Challenge(byte[] data) implements Step {}

        /** Authenticated as this (normalised) account. */
        record Success(String account) implements Step {}

        /**
         * Authentication failed. {@code user} is the name the client claimed ("-" when it named
         * none), so the per-user back-off and the auth_failed log line see who was tried;
         * {@code reason} is for the log, never sent to the client.
         */
        record Failure(String user, String reason) implements Step {
            public Failure {
                user = user == null || user.isEmpty() ? "-" : user;
            }
        }
    }
}
