package dev.poplar.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates and keys as certbot and openssl write them, with Bouncy Castle's PEM parser:
 * a PEM chain (leaf first), and a key in PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or
 * SEC1 ("EC PRIVATE KEY") form. Encrypted keys are refused with a message saying so.
 */
public final class PemFiles {
    private PemFiles() {}

    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(file)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new GeneralSecurityException(file + ": unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            switch (o) {
                case PrivateKeyInfo info -> {
                    return converter.getPrivateKey(info); // PKCS#8
                }
                case PEMKeyPair pair -> {
                    return converter.getPrivateKey(
                            pair.getPrivateKeyInfo()); // PKCS#1 RSA, SEC1 EC (public part optional)
                }
                case PEMEncryptedKeyPair e -> throw encrypted(file);
                case PKCS8EncryptedPrivateKeyInfo e -> throw encrypted(file);
                default -> {
                    // certificates or parameters in the same file: skip
                }
            }
        }
        throw new IOException(file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static IOException encrypted(Path file) {
        return new IOException(
                file + " holds an encrypted key; Poplar needs it unencrypted (mode 0600, owned by the poplar user)");
    }

    private static List<Object> objects(Path file) throws IOException {
        List<Object> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(r)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                out.add(o);
            }
        }
        return out;
    }
}
