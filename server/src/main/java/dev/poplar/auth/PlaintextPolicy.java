package dev.poplar.auth;

import java.util.Locale;

/**
 * When passwords may cross the wire in clear (USER/PASS, SASL PLAIN and LOGIN), as Dovecot's
 * disable_plaintext_auth: {@code loopback} (the default) allows them over TLS or from a loopback
 * address; {@code never} only over TLS; {@code always} everywhere.
 */
public enum PlaintextPolicy {
    ALWAYS, LOOPBACK, NEVER;

    public boolean allows(boolean secure, boolean loopback) {
        return switch (this) {
            case ALWAYS -> true;
            case LOOPBACK -> secure || loopback;
            case NEVER -> secure;
        };
    }

    public static PlaintextPolicy parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
