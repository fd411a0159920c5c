package dev.poplar.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * APOP (RFC 1939 section 7) needs the shared secret itself, so it cannot be a one-way hash. Poplar
 * keeps it sealed with AES-256-GCM under a key in the data directory ({@code apop.key}, mode
 * 0600): a copy of the store alone reveals no secret. This is weaker than the password's
 * PBKDF2 keys, which is why APOP is off by default and per user (docs/security.md).
 */
public final class ApopSecrets {
    private static final int IV_BYTES = 12;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private ApopSecrets(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Loads the key from {@code dataDir/apop.key}, creating it (0600) the first time. */
    public static ApopSecrets open(Path dataDir) throws IOException {
        Path file = dataDir.resolve("apop.key");
        if (!Files.exists(file)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Path tmp = Files.createTempFile(
                    dataDir,
                    "apop",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, k);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return new ApopSecrets(Files.readAllBytes(file));
    }

    public byte[] seal(String secret) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(IV_BYTES + ct.length).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String open(byte[] sealed) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, IV_BYTES));
        return new String(c.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
    }

    /** True when {@code digest} is MD5(timestamp + secret) in lower-case hex (RFC 1939 section 7). */
    public boolean matches(byte[] sealed, String timestamp, String digest) {
        try {
            String secret = open(sealed);
            byte[] expected = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5")
                            .digest((timestamp + secret).getBytes(StandardCharsets.UTF_8)))
                    .getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(
                    expected, digest.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            return false; // sealed under another key (apop.key replaced): treat as no match
        }
    }
}
