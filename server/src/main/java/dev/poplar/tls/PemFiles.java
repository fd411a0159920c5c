package dev.poplar.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and keys as certbot and openssl write them: a PEM chain (leaf first), and a
 * key in PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") form.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String EC_OID = "1.2.840.10045.2.1";

    private PemFiles() {
    }

    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Block b : blocks(file)) {
            if (b.type.equals("CERTIFICATE")) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der)));
            }
        }
        if (chain.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        for (Block b : blocks(file)) {
            switch (b.type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrap(Der.sequence(Der.oid(RSA_OID), Der.tlv(Der.NULL)), b.der));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(wrap(Der.sequence(Der.oid(EC_OID), sec1Curve(b.der)), b.der));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException(file
                        + " holds an encrypted key; Poplar needs it unencrypted (mode 0600, owned by the poplar user)");
                default -> {
                    // certificates or parameters in the same file: skip
                }
            }
        }
        throw new IOException(file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("unsupported private key type", last);
    }

    /** PrivateKeyInfo (RFC 5208): version 0, the algorithm, and the inner key as an OCTET STRING. */
    private static byte[] wrap(byte[] algorithm, byte[] innerKey) {
        return Der.sequence(Der.integer(BigInteger.ZERO), algorithm, Der.tlv(Der.OCTET_STRING, innerKey));
    }

    /** The curve OID from SEC1's ECPrivateKey (RFC 5915): the [0] parameters element. */
    private static byte[] sec1Curve(byte[] sec1) throws GeneralSecurityException {
        Der.Reader r = new Der.Reader(sec1);
        int[] seq = r.enter();
        r.skip(); // version
        r.skip(); // privateKey
        while (r.hasMore(seq[2])) {
            if (r.peekTag() == 0xa0) {
                r.enter();
                return r.element();
            }
            r.skip();
        }
        throw new GeneralSecurityException("EC PRIVATE KEY without curve parameters");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
