package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.auth.oauth.TokenValidator;
import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * OAUTHBEARER (RFC 7628) and Google's XOAUTH2: a bearer token validated by {@link TokenValidator}.
 * On failure the server first sends an error challenge (a JSON status) and fails after the
 * client's dummy response, as both specifications require.
 */
final class OAuthBearerExchange implements SaslExchange {
    private final Authenticator authenticator;
    private final TokenValidator tokens;
    private final boolean xoauth2;
    private String failure;
    /** The user the client named (authzid or XOAUTH2 user=), for the failure log and back-off. */
    private String claimedUser = "-";

    OAuthBearerExchange(Authenticator authenticator, TokenValidator tokens, boolean xoauth2) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.xoauth2 = xoauth2;
    }

    @Override
    public Step start(byte[] initialResponse) throws StoreException {
        return initialResponse == null ? new Step.Challenge(new byte[0]) : next(initialResponse);
    }

    @Override
    public Step next(byte[] response) throws StoreException {
        if (failure != null) {
            return new Step.Failure(claimedUser, failure); // the client's answer to our error challenge
        }
        String s = new String(response, StandardCharsets.UTF_8);
        String requestedUser;
        String token;
        if (xoauth2) {
            // "user=" user ^A "auth=Bearer " token ^A ^A
            requestedUser = field(s, "user=").orElse("");
            token = field(s, "auth=Bearer ").orElse("");
        } else {
            // gs2-header ("n,a=user," or "n,,") ^A key=value ^A ... ^A ^A (RFC 7628 section 3.1)
            if (!s.startsWith("n,") && !s.startsWith("y,")) {
                return new Step.Failure("-", "malformed gs2 header");
            }
            int comma = s.indexOf(',', 2);
            if (comma < 0) {
                return new Step.Failure("-", "malformed gs2 header");
            }
            String authzid = s.substring(2, comma);
            requestedUser = authzid.startsWith("a=") ? ScramSha256Exchange.decodeName(authzid.substring(2)) : "";
            token = field(s.substring(comma + 1), "auth=Bearer ").orElse("");
        }
        claimedUser = requestedUser;
        if (token.isEmpty()) {
            return fail("no bearer token");
        }
        TokenValidator.Result result = tokens.validate(token, Instant.now());
        if (result instanceof TokenValidator.Result.Invalid invalid) {
            return fail(invalid.reason());
        }
        String user = ((TokenValidator.Result.Valid) result).user();
        if (requestedUser.isEmpty()) {
            claimedUser = user;
        }
        if (!requestedUser.isEmpty() && !requestedUser.equalsIgnoreCase(user)) {
            return fail("token is for another user");
        }
        Optional<String> account = authenticator.existing(user);
        return account.isPresent() ? new Step.Success(account.get()) : fail("no mailbox for the token's user");
    }

    private Step fail(String reason) {
        failure = reason;
        String json = xoauth2
                ? "{\"status\":\"401\",\"schemes\":\"bearer\"}"
                : "{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}";
        return new Step.Challenge(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of {@code key} in a ^A-separated list. */
    private static Optional<String> field(String s, String key) {
        for (String part : s.split("\u0001")) {
            if (part.startsWith(key)) {
                return Optional.of(part.substring(key.length()));
            }
        }
        return Optional.empty();
    }
}
