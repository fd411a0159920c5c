package dev.poplar.lmtp;

import java.time.Duration;

/**
 * LMTP listener settings.
 *
 * @param maxMessageSize largest message (RFC 1870 SIZE), in RFC 1939 octets
 * @param maxLineLength  longest DATA line, without its CRLF; longer lines get 500 5.5.0
 */
public record LmtpSettings(String hostname, long maxMessageSize, int maxRecipients, Duration idleTimeout,
                           long maxLineLength) {
}
