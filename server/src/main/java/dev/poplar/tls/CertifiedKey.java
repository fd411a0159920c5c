package dev.poplar.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One certificate chain (leaf first) and the private key that goes with it. A server holds one,
 * or two of different key types (ECDSA and RSA, as Dovecot's ssl_alt_cert): each client then
 * gets the one it can verify, preferring what its signature algorithms list first.
 */
record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {
    private static final char[] STORE_PASSWORD = "poplar".toCharArray();

    CertifiedKey {
        chain = List.copyOf(chain);
    }

    /**
     * Reads a PEM pair and checks that the key signs what the certificate's public key verifies:
     * a mismatched pair would otherwise load and then fail every handshake.
     */
    static CertifiedKey read(Path cert, Path key) throws IOException, GeneralSecurityException {
        CertifiedKey pair = new CertifiedKey(PemFiles.privateKey(key), PemFiles.certificates(cert));
        if (!pair.keyMatchesLeaf()) {
            throw new GeneralSecurityException("the key in " + key + " does not belong to the certificate in " + cert);
        }
        return pair;
    }

    X509Certificate leaf() {
        return chain.getFirst();
    }

    /** The JCA key algorithm, as key managers ask for it: "EC", "RSA" or "EdDSA". */
    String keyType() {
        return key.getAlgorithm();
    }

    private boolean keyMatchesLeaf() throws GeneralSecurityException {
        String algorithm = switch (keyType()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519", "Ed448" -> keyType(); // the curve is in the key
            default -> null;
        };
        if (algorithm == null) {
            return true; // a key type the JDK cannot sign with here: the TLS provider decides
        }
        byte[] probe = "poplar key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(leaf().getPublicKey());
        } catch (java.security.InvalidKeyException e) {
            return false; // an RSA key beside an ECDSA certificate, or the other way round
        }
        verifier.update(probe);
        return verifier.verify(signature);
    }

    /**
     * An in-memory key store with one entry per pair, for a key manager. The JDK's key manager
     * picks, per handshake, the entry whose key type the client's signature algorithms (RFC 8446
     * section 4.2.3) and cipher suites accept, asked in the order both TLS stacks use: the
     * client's preference in TLS 1.3, the server's cipher order in TLS 1.2.
     */
    static KeyStore keyStore(List<CertifiedKey> pairs) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        for (CertifiedKey pair : pairs) {
            store.setKeyEntry(
                    "poplar-" + pair.keyType().toLowerCase(java.util.Locale.ROOT),
                    pair.key(),
                    STORE_PASSWORD,
                    pair.chain().toArray(X509Certificate[]::new));
        }
        return store;
    }

    /** The password of {@link #keyStore}'s entries (the store never leaves memory). */
    static char[] storePassword() {
        return STORE_PASSWORD.clone();
    }
}
