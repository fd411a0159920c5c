package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.auth.oauth.TokenValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SASL mechanisms this server offers. PLAIN and LOGIN send the password itself, so they
 * follow the plaintext policy; so do the OAuth bearer mechanisms, whose tokens are credentials too.
 * SCRAM-SHA-256 never reveals the password and is offered everywhere.
 */
public final class SaslMechanisms {
    private final Authenticator authenticator;
    private final Optional<TokenValidator> tokens;
    private final List<String> enabled;

    public SaslMechanisms(Authenticator authenticator, Optional<TokenValidator> tokens, List<String> configured) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        List<String> list = new ArrayList<>();
        for (String m : configured) {
            String upper = m.trim().toUpperCase(Locale.ROOT);
            boolean oauth = upper.equals("OAUTHBEARER") || upper.equals("XOAUTH2");
            if (!upper.isEmpty() && (!oauth || tokens.isPresent())) {
                list.add(upper);
            }
        }
        this.enabled = List.copyOf(list);
    }

    /** Mechanism names for the CAPA SASL line (RFC 5034 section 6), in preference order. */
    public List<String> advertised(boolean plaintextAllowed) {
        return enabled.stream().filter(m -> plaintextAllowed || !sendsSecret(m)).toList();
    }

    public boolean isEnabled(String mechanism) {
        return enabled.contains(mechanism.toUpperCase(Locale.ROOT));
    }

    /** True when the mechanism sends a reusable secret (password or bearer token). */
    public static boolean sendsSecret(String mechanism) {
        return !mechanism.equalsIgnoreCase("SCRAM-SHA-256");
    }

    public Optional<SaslExchange> start(String mechanism) {
        String m = mechanism.toUpperCase(Locale.ROOT);
        if (!enabled.contains(m)) {
            return Optional.empty();
        }
        return Optional.of(switch (m) {
            case "PLAIN" -> new PlainExchange(authenticator);
            case "LOGIN" -> new LoginExchange(authenticator);
            case "SCRAM-SHA-256" -> new ScramSha256Exchange(authenticator);
            case "OAUTHBEARER" -> new OAuthBearerExchange(authenticator, tokens.orElseThrow(), false);
            case "XOAUTH2" -> new OAuthBearerExchange(authenticator, tokens.orElseThrow(), true);
            default -> throw new IllegalArgumentException("unknown SASL mechanism " + m);
        });
    }
}
