package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, without channel binding. The password never
 * crosses the wire and the server keeps only StoredKey and ServerKey. An unknown user gets a
 * decoy salt derived from the name, so the exchange looks the same and fails only at the proof.
 */
final class ScramSha256Exchange implements SaslExchange {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authenticator authenticator;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String account;
    /** The user the client named in client-first (for the failure log and back-off). */
    private String user = "-";

    private PasswordCredentials credentials;
    private byte[] serverSignature;
    private int step;

    ScramSha256Exchange(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Step start(byte[] initialResponse) throws StoreException {
        return initialResponse == null ? new Step.Challenge(new byte[0]) : next(initialResponse);
    }

    @Override
    public Step next(byte[] response) throws StoreException {
        String s = new String(response, StandardCharsets.UTF_8);
        return switch (step++) {
            case 0 -> clientFirst(s);
            case 1 -> clientFinal(s);
            case 2 ->
                s.isEmpty() ? new Step.Success(account) : new Step.Failure(user, "unexpected data after server-final");
            default -> new Step.Failure(user, "exchange already finished");
        };
    }

    /** client-first-message = gs2-header client-first-message-bare (RFC 5802 section 7). */
    private Step clientFirst(String s) throws StoreException {
        if (s.startsWith("p=")) {
            return new Step.Failure(user, "channel binding requested; not supported");
        }
        if (!s.startsWith("n,") && !s.startsWith("y,")) {
            return new Step.Failure(user, "malformed gs2 header");
        }
        int comma = s.indexOf(',', 2);
        if (comma < 0) {
            return new Step.Failure(user, "malformed gs2 header");
        }
        String authzid = s.substring(2, comma);
        gs2Header = s.substring(0, comma + 1);
        clientFirstBare = s.substring(comma + 1);
        if (!clientFirstBare.startsWith("n=")) {
            return new Step.Failure(user, "missing user name");
        }
        String[] parts = clientFirstBare.split(",");
        if (parts.length < 2 || !parts[1].startsWith("r=") || parts[1].length() < 3) {
            return new Step.Failure(user, "missing client nonce");
        }
        user = decodeName(parts[0].substring(2));
        if (!authzid.isEmpty() && !decodeName(authzid.replaceFirst("^a=", "")).equalsIgnoreCase(user)) {
            return new Step.Failure(user, "authorization identity differs from the user");
        }
        byte[] serverNonce = new byte[18];
        RANDOM.nextBytes(serverNonce);
        nonce = parts[1].substring(2) + Base64.getEncoder().encodeToString(serverNonce);
        var found = authenticator.scramCredentials(user);
        account = found.account();
        credentials = found.credentials();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt()) + ",i="
                + credentials.iterations();
        return new Step.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    /** client-final-message = channel-binding "," nonce ["," extensions] "," proof. */
    private Step clientFinal(String s) {
        int proofAt = s.lastIndexOf(",p=");
        if (proofAt < 0) {
            return new Step.Failure(user, "missing proof");
        }
        String withoutProof = s.substring(0, proofAt);
        String[] parts = withoutProof.split(",");
        String expectedBinding = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (parts.length < 2 || !parts[0].equals(expectedBinding) || !parts[1].equals("r=" + nonce)) {
            return new Step.Failure(user, "channel binding or nonce mismatch");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(s.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return new Step.Failure(user, "proof is not base64");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        try {
            byte[] storedKey = credentials.storedKey();
            byte[] clientSignature = PasswordHasher.hmac(storedKey, authMessage);
            if (proof.length != clientSignature.length) {
                return new Step.Failure(user, "bad proof length");
            }
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
            }
            byte[] derived = MessageDigest.getInstance("SHA-256").digest(clientKey);
            if (account == null || !MessageDigest.isEqual(derived, storedKey)) {
                return new Step.Failure(user, "bad proof");
            }
            serverSignature = PasswordHasher.hmac(credentials.serverKey(), authMessage);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        // RFC 5034 section 4: POP3 has no "additional data with success": send server-final as a
        // challenge; the client answers with an empty response.
        return new Step.Challenge(
                ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8));
    }

    /** saslname: "=2C" is ',' and "=3D" is '=' (RFC 5802 section 5.1). */
    static String decodeName(String s) {
        return s.replace("=2C", ",").replace("=3D", "=");
    }
}
