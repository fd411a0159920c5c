package dev.poplar.net;

import java.util.Locale;

/** Why a session ended: a closed set, used as the {@code reason} label and in the session log. */
public enum CloseReason {
    QUIT,
    CLIENT_CLOSED,
    CLIENT_CLOSED_MID_COMMAND,
    IDLE_TIMEOUT,
    WRITE_TIMEOUT,
    CONNECTION_LOST,
    TOO_MANY_ERRORS,
    INPUT_TOO_LARGE,
    SERVER_SHUTDOWN,
    KICKED,
    BANNED,
    TLS_HANDSHAKE_FAILED,
    UPDATE_FAILED,
    STORE_ERROR,
    INTERNAL_ERROR;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
