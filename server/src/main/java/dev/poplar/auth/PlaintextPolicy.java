package dev.poplar.auth;

import java.util.Locale;

/**
 * When passwords may cross the wire in clear (USER/PASS, SASL PLAIN and LOGIN), as Dovecot's
 * disable_plaintext_auth: {@code loopback} (the default) allows them over TLS or from a loopback
 * address; {@code trusted-proxies} over TLS or through a trusted proxy (nginx's mail proxy ends
 * TLS and connects with a PROXY header, poplar.pop3.trusted-proxies); {@code never} only over
 * TLS; {@code always} everywhere.
 */
public enum PlaintextPolicy {
    ALWAYS,
    LOOPBACK,
    TRUSTED_PROXIES,
    NEVER;

    /**
     * @param secure   the connection is encrypted (STLS or POP3S)
     * @param loopback the client address is a loopback one
     * @param proxied  the connection came from a trusted proxy
     */
    public boolean allows(boolean secure, boolean loopback, boolean proxied) {
        return switch (this) {
            case ALWAYS -> true;
            case LOOPBACK -> secure || loopback;
            case TRUSTED_PROXIES -> secure || proxied;
            case NEVER -> secure;
        };
    }

    /** loopback, trusted-proxies, never or always. */
    public static PlaintextPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
