package dev.poplar.auth.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Validates OAuth 2.0 bearer tokens that are JWTs (RFC 7519) signed with RS256 or ES256 (RFC 7518)
 * by a key in a JWKS file (RFC 7517): signature, issuer, audience, expiry and not-before (with a
 * small clock leeway), and the claim that names the mailbox user. The JWKS file is re-read when
 * it changes, so key rotation needs no restart.
 */
public final class TokenValidator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What validation found. {@code reason} is for the log, never sent to the client. */
    public sealed interface Result {
        record Valid(String user) implements Result {
        }

        record Invalid(String reason) implements Result {
        }
    }

    private final String issuer;
    private final String audience;
    private final Path jwksFile;
    private final String userClaim;
    private final Duration leeway;
    private volatile Map<String, PublicKey> keys;
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
        Map<String, PublicKey> parsed = new HashMap<>();
        JsonNode root = JSON.readTree(Files.readAllBytes(jwksFile));
        for (JsonNode k : root.path("keys")) {
            try {
                parsed.put(k.path("kid").asText(""), publicKey(k));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("JWKS " + jwksFile + ": key '" + k.path("kid").asText() + "' is unusable: " + e.getMessage());
            }
        }
        if (parsed.isEmpty()) {
            throw new IOException("JWKS " + jwksFile + " has no keys");
        }
        keys = parsed;
        loadedAt = t;
    }

    private static PublicKey publicKey(JsonNode k) throws GeneralSecurityException {
        return switch (k.path("kty").asText()) {
            case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(unsigned(k.path("n").asText()), unsigned(k.path("e").asText())));
            case "EC" -> {
                if (!k.path("crv").asText().equals("P-256")) {
                    throw new GeneralSecurityException("only the P-256 curve is supported");
                }
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                ECPoint w = new ECPoint(unsigned(k.path("x").asText()), unsigned(k.path("y").asText()));
                yield KeyFactory.getInstance("EC").generatePublic(
                        new ECPublicKeySpec(w, params.getParameterSpec(ECParameterSpec.class)));
            }
            default -> throw new GeneralSecurityException("unsupported key type " + k.path("kty").asText());
        };
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }

    public Result validate(String token, Instant now) {
        try {
            reloadIfChanged();
        } catch (IOException e) {
            // keep the keys we have; the reload error is the operator's to fix
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return new Result.Invalid("not a JWS compact token");
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            return new Result.Invalid("malformed token");
        }
        String alg = header.path("alg").asText();
        String javaAlg = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format"; // JWS ECDSA signatures are r||s (RFC 7518 3.4)
            default -> null;
        };
        if (javaAlg == null) {
            return new Result.Invalid("unsupported alg " + alg);
        }
        PublicKey key = keys.get(header.path("kid").asText(""));
        if (key == null && keys.size() == 1 && !header.has("kid")) {
            key = keys.values().iterator().next();
        }
        if (key == null) {
            return new Result.Invalid("unknown key id");
        }
        try {
            Signature s = Signature.getInstance(javaAlg);
            s.initVerify(key);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(signature)) {
                return new Result.Invalid("bad signature");
            }
        } catch (GeneralSecurityException e) {
            return new Result.Invalid("signature check failed: " + e.getMessage());
        }
        if (!issuer.equals(claims.path("iss").asText())) {
            return new Result.Invalid("wrong issuer");
        }
        if (!audienceMatches(claims.path("aud"))) {
            return new Result.Invalid("wrong audience");
        }
        if (!claims.path("exp").isNumber() || now.minus(leeway).getEpochSecond() >= claims.path("exp").asLong()) {
            return new Result.Invalid("expired");
        }
        if (claims.has("nbf") && now.plus(leeway).getEpochSecond() < claims.path("nbf").asLong()) {
            return new Result.Invalid("not yet valid");
        }
        String user = claims.path(userClaim).asText("");
        if (user.isEmpty()) {
            return new Result.Invalid("no " + userClaim + " claim");
        }
        return new Result.Valid(user);
    }

    private boolean audienceMatches(JsonNode aud) {
        if (aud.isTextual()) {
            return aud.asText().equals(audience);
        }
        for (JsonNode a : aud) {
            if (a.asText().equals(audience)) {
                return true;
            }
        }
        return false;
    }
}
