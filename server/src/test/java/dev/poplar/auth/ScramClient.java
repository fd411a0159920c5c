package dev.poplar.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** A SCRAM-SHA-256 client (RFC 5802 section 3), written from the RFC for the tests. */
public final class ScramClient {
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String user, String password) {
        this.user = user;
        this.password = password;
        byte[] n = new byte[18];
        new SecureRandom().nextBytes(n);
        this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    public String clientFirst() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    public String clientFinal(String serverFirst) throws Exception {
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String part : serverFirst.split(",")) {
            switch (part.charAt(0)) {
                case 'r' -> nonce = part.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(part.substring(2));
                case 'i' -> iterations = Integer.parseInt(part.substring(2));
                default -> {}
            }
        }
        if (nonce == null || !nonce.startsWith(clientNonce)) {
            throw new IllegalStateException("server nonce does not extend ours");
        }
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                .getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    public boolean serverFinalIsValid(String serverFinal) {
        return serverFinal.equals("v=" + Base64.getEncoder().encodeToString(expectedServerSignature));
    }

    private static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
