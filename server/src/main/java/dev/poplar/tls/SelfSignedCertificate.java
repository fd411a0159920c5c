package dev.poplar.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A self-signed ECDSA P-256 certificate for development and tests (never for production mail:
 * clients will warn), with the host names and addresses as subjectAltName (RFC 5280 4.2.1.6).
 */
public final class SelfSignedCertificate {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    private SelfSignedCertificate() {
    }

    /** Writes {@code cert} (PEM certificate) and {@code key} (PEM PKCS#8, mode 0600). */
    public static void write(Path cert, Path key, String commonName, List<String> dnsNames, Duration validity)
            throws IOException, GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Instant now = Instant.now();
        byte[] name = Der.sequence(Der.tlv(Der.SET, Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),                       // v3
                Der.integer(new BigInteger(127, new SecureRandom()).add(BigInteger.ONE)),
                algorithm,
                name,
                Der.sequence(Der.tlv(Der.UTC_TIME, UTC_TIME.format(now.minus(Duration.ofHours(1))).getBytes()),
                        Der.tlv(Der.UTC_TIME, UTC_TIME.format(now.plus(validity)).getBytes())),
                name,
                pair.getPublic().getEncoded(),                                       // SubjectPublicKeyInfo
                Der.explicit(3, Der.sequence(subjectAltName(dnsNames))));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(s.sign()));
        Files.createDirectories(cert.toAbsolutePath().getParent());
        writeAtomically(key, PemFiles.pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
        writeAtomically(cert, PemFiles.pem("CERTIFICATE", certificate), false);
    }

    private static byte[] subjectAltName(List<String> names) throws IOException {
        java.io.ByteArrayOutputStream general = new java.io.ByteArrayOutputStream();
        for (String n : names) {
            if (n.matches("[0-9.]+") || n.contains(":")) {
                general.writeBytes(Der.tlv(0x87, InetAddress.getByName(n).getAddress())); // iPAddress [7]
            } else {
                general.writeBytes(Der.tlv(0x82, n.getBytes(java.nio.charset.StandardCharsets.US_ASCII))); // dNSName [2]
            }
        }
        return Der.sequence(Der.oid("2.5.29.17"), Der.tlv(Der.OCTET_STRING, Der.sequence(general.toByteArray())));
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = secret
                ? Files.createTempFile(dir, ".poplar", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".poplar", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
