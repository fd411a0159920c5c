package dev.poplar.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Test issuer: RSA and EC keys, a JWKS file, and signed JWTs (RFC 7515/7517/7519). */
final class Jwts {
    static final ObjectMapper JSON = new ObjectMapper();
    final KeyPair rsa;
    final KeyPair ec;

    Jwts() throws Exception {
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
        e.initialize(new ECGenParameterSpec("secp256r1"));
        ec = e.generateKeyPair();
    }

    void writeJwks(Path file) throws Exception {
        RSAPublicKey rp = (RSAPublicKey) rsa.getPublic();
        ECPublicKey ep = (ECPublicKey) ec.getPublic();
        Map<String, Object> jwks = Map.of(
                "keys",
                List.of(
                        Map.of(
                                "kty",
                                "RSA",
                                "kid",
                                "rsa-1",
                                "n",
                                b64(unsigned(rp.getModulus().toByteArray())),
                                "e",
                                b64(unsigned(rp.getPublicExponent().toByteArray()))),
                        Map.of(
                                "kty",
                                "EC",
                                "kid",
                                "ec-1",
                                "crv",
                                "P-256",
                                "x",
                                b64(fixed(ep.getW().getAffineX().toByteArray())),
                                "y",
                                b64(fixed(ep.getW().getAffineY().toByteArray())))));
        Files.writeString(file, JSON.writeValueAsString(jwks));
    }

    String rs256(Map<String, Object> claims) throws Exception {
        return sign("RS256", "rsa-1", claims, rsa.getPrivate(), "SHA256withRSA");
    }

    String es256(Map<String, Object> claims) throws Exception {
        return sign("ES256", "ec-1", claims, ec.getPrivate(), "SHA256withECDSAinP1363Format");
    }

    static String sign(String alg, String kid, Map<String, Object> claims, PrivateKey key, String javaAlg)
            throws Exception {
        String head = b64(JSON.writeValueAsBytes(Map.of("alg", alg, "kid", kid, "typ", "JWT")));
        String body = b64(JSON.writeValueAsBytes(claims));
        Signature s = Signature.getInstance(javaAlg);
        s.initSign(key);
        s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + b64(s.sign());
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] unsigned(byte[] b) {
        return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(byte[] b) {
        byte[] u = unsigned(b);
        byte[] out = new byte[32];
        System.arraycopy(u, 0, out, 32 - u.length, u.length);
        return out;
    }
}
