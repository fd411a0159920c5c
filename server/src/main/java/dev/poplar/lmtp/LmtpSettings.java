package dev.poplar.lmtp;

import java.time.Duration;

/** LMTP listener settings. */
public record LmtpSettings(String hostname, long maxMessageSize, int maxRecipients, Duration idleTimeout) {
}
