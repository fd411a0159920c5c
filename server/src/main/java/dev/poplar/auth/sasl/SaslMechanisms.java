package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.auth.oauth.TokenValidator;
import java.util.List;
import java.util.Optional;

/**
 * The SASL mechanisms this server offers: the configured ones, less the OAuth bearer mechanisms
 * when no token validator is configured. PLAIN and LOGIN send the password itself, so they follow
 * the plaintext policy; so do the OAuth bearer mechanisms, whose tokens are credentials too.
 * SCRAM-SHA-256 never reveals the password and is offered everywhere, but only when every
 * directory of the chain keeps SCRAM keys (the internal one alone): an LDAP or SQL user's client
 * that picked it would fail. PLAIN and LOGIN work with every directory.
 */
public final class SaslMechanisms {
    private final Authenticator authenticator;
    private final Optional<TokenValidator> tokens;
    private final List<SaslMechanism> enabled;

    public SaslMechanisms(
            Authenticator authenticator, Optional<TokenValidator> tokens, List<SaslMechanism> configured) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.enabled = configured.stream()
                .distinct()
                .filter(m -> !m.needsTokens() || tokens.isPresent())
                .filter(m -> m != SaslMechanism.SCRAM_SHA_256 || authenticator.scramForEveryone())
                .toList();
    }

    /** Mechanism names for the CAPA SASL line (RFC 5034 section 6), in preference order. */
    public List<String> advertised(boolean plaintextAllowed) {
        return enabled.stream()
                .filter(m -> plaintextAllowed || !m.sendsSecret())
                .map(SaslMechanism::registeredName)
                .toList();
    }

    /** The mechanism a client named, if this server offers it. */
    public Optional<SaslMechanism> offered(String name) {
        return SaslMechanism.named(name).filter(enabled::contains);
    }

    /** A new exchange of an offered mechanism. */
    public SaslExchange start(SaslMechanism mechanism) {
        if (!enabled.contains(mechanism)) {
            throw new IllegalArgumentException(mechanism.registeredName() + " is not offered");
        }
        return switch (mechanism) {
            case PLAIN -> new PlainExchange(authenticator);
            case LOGIN -> new LoginExchange(authenticator);
            case SCRAM_SHA_256 -> new ScramSha256Exchange(authenticator);
            case OAUTHBEARER -> new OAuthBearerExchange(authenticator, tokens.orElseThrow(), false);
            case XOAUTH2 -> new OAuthBearerExchange(authenticator, tokens.orElseThrow(), true);
        };
    }
}
