package dev.poplar.pop3;

import dev.poplar.storage.LockPolicy;
import java.time.Duration;

/**
 * POP3 session settings.
 *
 * @param idleTimeout    RFC 1939 section 3 autologout timer (at least 10 minutes in production)
 * @param maxBadCommands consecutive bad commands before the server closes the connection
 */
public record Pop3Settings(LockPolicy lockPolicy, Duration idleTimeout, int maxBadCommands, String implementation) {
}
