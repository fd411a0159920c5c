package dev.poplar.auth.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Validates OAuth 2.0 bearer tokens that are JWTs (RFC 7519) signed with RS256 or ES256 (RFC 7518)
 * by a key in a JWKS file (RFC 7517), with nimbus-jose-jwt: the signature (only those two
 * algorithms, so neither {@code alg: none} nor an HMAC keyed with the public key can pass), the
 * issuer, the audience, expiry and not-before (with a small clock leeway), and the claim that
 * names the mailbox user. The JWKS file is re-read when it changes, so key rotation needs no
 * restart; a broken new file keeps the keys already loaded.
 */
public final class TokenValidator {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** What validation found. {@code reason} is for the log, never sent to the client. */
    public sealed interface Result {
        record Valid(String user) implements Result {}

        record Invalid(String reason) implements Result {}
    }

    private final String issuer;
    private final String audience;
    private final Path jwksFile;
    private final String userClaim;
    private final Duration leeway;
    private volatile JWKSet keys;
    private volatile FileTime loadedAt;

    public TokenValidator(String issuer, String audience, Path jwksFile, String userClaim, Duration leeway)
            throws IOException {
        this.issuer = issuer;
        this.audience = audience;
        this.jwksFile = jwksFile;
        this.userClaim = userClaim;
        this.leeway = leeway;
        reloadIfChanged();
    }

    private void reloadIfChanged() throws IOException {
        FileTime t = Files.getLastModifiedTime(jwksFile);
        if (t.equals(loadedAt)) {
            return;
        }
        JWKSet parsed;
        try {
            parsed = JWKSet.load(jwksFile.toFile());
        } catch (ParseException e) {
            throw new IOException("JWKS " + jwksFile + " is not a valid JWK set: " + e.getMessage());
        }
        if (parsed.getKeys().isEmpty() || parsed.getKeys().stream().anyMatch(k -> k.isPrivate())) {
            throw new IOException("JWKS " + jwksFile
                    + (parsed.getKeys().isEmpty()
                            ? " has no keys"
                            : " holds a private key: give the issuer's public keys only"));
        }
        keys = parsed;
        loadedAt = t;
    }

    public Result validate(String token, Instant now) {
        try {
            reloadIfChanged();
        } catch (IOException e) {
            // keep the keys we have; the reload error is the operator's to fix
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return new Result.Invalid("malformed token");
        }
        if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            return new Result.Invalid("unsupported alg " + jwt.getHeader().getAlgorithm());
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(now));
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException e) {
            return new Result.Invalid(e.getMessage());
        } catch (JOSEException e) {
            return new Result.Invalid("signature check failed: " + e.getMessage());
        }
        Object user = claims.getClaim(userClaim);
        if (!(user instanceof String name) || name.isEmpty()) {
            return new Result.Invalid("no " + userClaim + " claim");
        }
        return new Result.Valid(name);
    }

    /** iss and aud exact, exp required, exp/nbf against {@code now} with the leeway. */
    private final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Instant now;

        ClaimsVerifier(Instant now) {
            super(audience, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"));
            this.now = now;
            setMaxClockSkew(Math.toIntExact(leeway.toSeconds()));
        }

        @Override
        protected Date currentTime() {
            return Date.from(now);
        }
    }
}
