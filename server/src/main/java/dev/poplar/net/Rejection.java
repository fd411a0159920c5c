package dev.poplar.net;

import java.util.Locale;

/** Why a connection was refused before its session began (the {@code reason} metrics label). */
public enum Rejection {
    /** The listener is at its connection limit. */
    MAX_CONNECTIONS,
    /** This client address has too many connections open. */
    MAX_CONNECTIONS_PER_IP,
    /** This client address is banned after failed logins. */
    BANNED,
    /** A trusted proxy sent no valid PROXY protocol header. */
    BAD_PROXY_HEADER;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
