package dev.poplar.auth.sasl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The SASL mechanisms Poplar implements (RFC 5034 for POP3), by their registered names: the one
 * vocabulary the configuration, CAPA and AUTH use.
 */
public enum SaslMechanism {
    /** RFC 4616: the password itself. */
    PLAIN("PLAIN", true, false),
    /** draft-murchison-sasl-login: the password itself, in two steps (Outlook). */
    LOGIN("LOGIN", true, false),
    /** RFC 7677: a salted challenge-response; the password never crosses the wire. */
    SCRAM_SHA_256("SCRAM-SHA-256", false, false),
    /** RFC 7628: a bearer token, a credential as good as a password while it lasts. */
    OAUTHBEARER("OAUTHBEARER", true, true),
    /** Google's and Microsoft's predecessor of OAUTHBEARER. */
    XOAUTH2("XOAUTH2", true, true);

    private final String registeredName;
    private final boolean sendsSecret;
    private final boolean needsTokens;

    SaslMechanism(String registeredName, boolean sendsSecret, boolean needsTokens) {
        this.registeredName = registeredName;
        this.sendsSecret = sendsSecret;
        this.needsTokens = needsTokens;
    }

    /** The IANA-registered name, as in CAPA's SASL line and the AUTH command. */
    public String registeredName() {
        return registeredName;
    }

    /** The metrics label: the name in lower case ("scram-sha-256"). */
    public String label() {
        return registeredName.toLowerCase(Locale.ROOT);
    }

    /** True when the mechanism sends a reusable secret (password or bearer token): it follows the plaintext policy. */
    public boolean sendsSecret() {
        return sendsSecret;
    }

    /** True when it needs poplar.auth.oauth (a token validator) to be offered. */
    public boolean needsTokens() {
        return needsTokens;
    }

    /** The mechanism of a name as a client or the configuration spells it (any case). */
    public static Optional<SaslMechanism> named(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(m -> m.registeredName.equals(upper))
                .findFirst();
    }

    /** "PLAIN, LOGIN, ...": for messages that list what is known. */
    public static String known() {
        return String.join(
                ", ", Arrays.stream(values()).map(SaslMechanism::registeredName).toList());
    }
}
