package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and chains as openssl and certbot write them, read by PemFiles (Bouncy Castle's PEM parser). */
class PemFilesTest {
    @TempDir
    Path dir;

    private Path openssl(String name, String... args) throws Exception {
        Path openssl = Tools.require("openssl");
        List<String> cmd = new java.util.ArrayList<>(List.of(openssl.toString()));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, null);
        assertEquals(0, r.exit(), r.output());
        return dir.resolve(name);
    }

    @Test
    void everyUnencryptedKeyFormatLoadsAndSigns() throws Exception {
        Path rsa1 = openssl(
                "rsa-pkcs1.pem",
                "genrsa",
                "-traditional",
                "-out",
                dir.resolve("rsa-pkcs1.pem").toString(),
                "2048");
        Path ec1 = openssl(
                "ec-sec1.pem",
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                dir.resolve("ec-sec1.pem").toString());
        Path pk8 = openssl(
                "ec-pkcs8.pem",
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                ec1.toString(),
                "-out",
                dir.resolve("ec-pkcs8.pem").toString());
        assertTrue(Files.readString(rsa1).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(ec1).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(pk8).contains("BEGIN PRIVATE KEY"));
        for (Path p : List.of(rsa1, ec1, pk8)) {
            PrivateKey key = PemFiles.privateKey(p);
            Signature s = Signature.getInstance(key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
            s.initSign(key);
            s.update(new byte[] {1, 2, 3});
            assertTrue(s.sign().length > 0, p.toString());
        }
    }

    @Test
    void anEncryptedKeyIsRefusedWithAReason() throws Exception {
        Path ec1 = openssl(
                "ec.pem",
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                dir.resolve("ec.pem").toString());
        Path enc = openssl(
                "enc.pem",
                "pkcs8",
                "-topk8",
                "-in",
                ec1.toString(),
                "-passout",
                "pass:secret",
                "-out",
                dir.resolve("enc.pem").toString());
        IOException e = assertThrows(IOException.class, () -> PemFiles.privateKey(enc));
        assertTrue(e.getMessage().contains("holds an encrypted key; Poplar needs it unencrypted"), e.getMessage());
        Path none = dir.resolve("none.pem");
        Files.writeString(none, "hello\n");
        assertTrue(assertThrows(IOException.class, () -> PemFiles.privateKey(none))
                .getMessage()
                .contains("holds no PEM private key"));
        assertTrue(assertThrows(IOException.class, () -> PemFiles.certificates(none))
                .getMessage()
                .contains("holds no PEM certificate"));
    }

    @Test
    void theDevelopmentCertificateIsAServerCertificateForItsNames() throws Exception {
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        SelfSignedCertificate.write(
                cert, key, "mail.test", List.of("mail.test", "127.0.0.1", "::1"), Duration.ofDays(30));
        X509Certificate c = PemFiles.certificates(cert).getFirst();
        c.checkValidity();
        c.verify(c.getPublicKey());
        assertTrue(c.getSubjectX500Principal().getName().contains("CN=mail.test"));
        assertTrue(c.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        List<String> names = c.getSubjectAlternativeNames().stream()
                .map(n -> n.get(1).toString())
                .toList();
        assertEquals(List.of("mail.test", "127.0.0.1", "0:0:0:0:0:0:0:1"), names);
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(
                "rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Tools.Result verify = Tools.run(
                List.of(
                        Tools.require("openssl").toString(),
                        "x509",
                        "-in",
                        cert.toString(),
                        "-noout",
                        "-checkend",
                        "86400"),
                null);
        assertEquals(0, verify.exit(), "openssl reads it and it does not expire within a day: " + verify.output());
        assertThrows(
                IllegalArgumentException.class,
                () -> SelfSignedCertificate.write(cert, key, "x", List.of("x"), Duration.ofDays(-3)));
    }
}
