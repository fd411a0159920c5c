package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SASL AUTH (RFC 5034) dialogues over a real socket, for every mechanism. */
class SaslTest {
    @TempDir
    Path dir;

    TestServer server;
    Jwts issuer;

    @BeforeEach
    void start() throws Exception {
        issuer = new Jwts();
        Path jwks = dir.resolve("jwks.json");
        issuer.writeJwks(jwks);
        server = TestServer.start(
                dir.resolve("data"),
                "POPLAR_AUTH_OAUTH_ISSUER",
                "https://idp.example",
                "POPLAR_AUTH_OAUTH_AUDIENCE",
                "poplar",
                "POPLAR_AUTH_OAUTH_JWKS_FILE",
                jwks.toString());
        server.addUser("alice@example.org", "wonder-land 1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LineClient client() throws Exception {
        LineClient c = new LineClient(server.pop3Port());
        c.line();
        return c;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    /**
     * QUIT after each login: the next test step logs the same user in again, and a connection merely
     * closed may still hold the maildrop for a moment (the server learns of it asynchronously).
     */
    private static void assertLoggedInThenQuit(LineClient c) throws Exception {
        String reply = c.line();
        assertTrue(reply.startsWith("+OK Logged in"), reply);
        c.send("QUIT\r\n");
        assertTrue(c.line().startsWith("+OK"));
    }

    private static void assertLoggedInStatThenQuit(LineClient c) throws Exception {
        String reply = c.line();
        assertTrue(reply.startsWith("+OK Logged in"), reply);
        c.send("STAT\r\nQUIT\r\n");
        assertEquals("+OK 0 0", c.line());
        assertTrue(c.line().startsWith("+OK"));
    }

    @Test
    void capaListsTheMechanismsAndBareAuthToo() throws Exception {
        try (LineClient c = client()) {
            c.send("CAPA\r\n");
            c.line();
            StringBuilder capa = new StringBuilder();
            for (String l = c.line(); !l.equals("."); l = c.line()) {
                capa.append(l).append('|');
            }
            assertTrue(capa.toString().contains("SASL PLAIN LOGIN SCRAM-SHA-256 OAUTHBEARER XOAUTH2"), capa.toString());
            c.send("AUTH\r\n");
            assertEquals("+OK Methods supported", c.line());
            assertEquals(List.of("PLAIN", "LOGIN", "SCRAM-SHA-256", "OAUTHBEARER", "XOAUTH2"), c.body());
        }
    }

    @Test
    void plainWithAndWithoutInitialResponse() throws Exception {
        try (LineClient c = client()) {
            c.send("AUTH PLAIN " + b64("\0alice@example.org\0wonder-land 1") + "\r\n");
            assertLoggedInStatThenQuit(c);
        }
        try (LineClient c = client()) {
            c.send("AUTH PLAIN\r\n");
            assertEquals("+ ", c.line());
            c.send(b64("alice@example.org\0alice@example.org\0wonder-land 1") + "\r\n");
            assertLoggedInThenQuit(c);
        }
        try (LineClient c = client()) {
            c.send("AUTH PLAIN " + b64("\0alice@example.org\0wrong") + "\r\n");
            assertEquals("-ERR [AUTH] Invalid user name or password", c.line());
            c.send("AUTH PLAIN " + b64("bob\0alice@example.org\0wonder-land 1") + "\r\n");
            assertEquals("-ERR [AUTH] Invalid user name or password", c.line(), "no acting as another user");
        }
    }

    @Test
    void loginCancelAndBadBase64() throws Exception {
        try (LineClient c = client()) {
            c.send("AUTH LOGIN\r\n");
            assertEquals("Username:", unb64(c.line().substring(2)));
            c.send(b64("alice@example.org") + "\r\n");
            assertEquals("Password:", unb64(c.line().substring(2)));
            c.send(b64("wonder-land 1") + "\r\n");
            assertLoggedInThenQuit(c);
        }
        try (LineClient c = client()) {
            c.send("AUTH LOGIN\r\n");
            c.line();
            c.send("*\r\n");
            assertEquals("-ERR Authentication cancelled", c.line());
            c.send("AUTH LOGIN\r\n");
            c.line();
            c.send("!!!not base64!!!\r\n");
            assertEquals("-ERR Invalid base64 in the SASL response", c.line());
            c.send("AUTH NTLM\r\n");
            assertEquals("-ERR Unsupported authentication mechanism NTLM", c.line());
            c.send("USER alice@example.org\r\nPASS wonder-land 1\r\n");
            c.line();
            assertLoggedInThenQuit(c);
        }
    }

    @Test
    void scramSha256SucceedsAndTheServerProvesItKnowsTheKey() throws Exception {
        try (LineClient c = client()) {
            ScramClient scram = new ScramClient("alice@example.org", "wonder-land 1");
            c.send("AUTH SCRAM-SHA-256 " + b64(scram.clientFirst()) + "\r\n");
            String serverFirst = unb64(c.line().substring(2));
            c.send(b64(scram.clientFinal(serverFirst)) + "\r\n");
            String serverFinal = unb64(c.line().substring(2));
            assertTrue(scram.serverFinalIsValid(serverFinal), "server signature");
            c.send("\r\n"); // RFC 5034: empty response to the server-final challenge
            assertLoggedInStatThenQuit(c);
        }
    }

    @Test
    void scramWithABadPasswordOrUnknownUserFailsOnlyAtTheProof() throws Exception {
        for (String[] who : List.of(new String[] {"alice@example.org", "wrong"}, new String[] {"ghost", "x"})) {
            try (LineClient c = client()) {
                ScramClient scram = new ScramClient(who[0], who[1]);
                c.send("AUTH SCRAM-SHA-256\r\n");
                assertEquals("+ ", c.line());
                c.send(b64(scram.clientFirst()) + "\r\n");
                String serverFirst = unb64(c.line().substring(2));
                assertTrue(serverFirst.contains(",s=") && serverFirst.contains(",i="), "same shape for unknown users");
                c.send(b64(scram.clientFinal(serverFirst)) + "\r\n");
                assertEquals("-ERR [AUTH] Invalid user name or password", c.line());
            }
        }
        try (LineClient c = client()) {
            c.send("AUTH SCRAM-SHA-256 " + b64("p=tls-unique,,n=alice@example.org,r=abc") + "\r\n");
            assertEquals("-ERR [AUTH] Invalid user name or password", c.line(), "channel binding is refused");
        }
    }

    /** The classic key-confusion forgery: HMAC "signed" with the issuer's public key bytes. */
    private static String hs256(Map<String, Object> claims, byte[] key) throws Exception {
        String head = Jwts.b64("{\"alg\":\"HS256\",\"kid\":\"rsa-1\",\"typ\":\"JWT\"}".getBytes());
        String body = Jwts.b64(Jwts.JSON.writeValueAsBytes(claims));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return head + "." + body + "."
                + Jwts.b64(mac.doFinal((head + "." + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private Map<String, Object> claims(String email, long expiresIn, String audience) {
        Map<String, Object> m = new HashMap<>();
        m.put("iss", "https://idp.example");
        m.put("aud", audience);
        m.put("email", email);
        m.put("exp", Instant.now().getEpochSecond() + expiresIn);
        return m;
    }

    private static String oauthbearer(String user, String token) {
        return "n,a=" + user + ",\u0001host=localhost\u0001port=110\u0001auth=Bearer " + token + "\u0001\u0001";
    }

    @Test
    void oauthBearerWithRsaAndEcTokens() throws Exception {
        for (String token : List.of(
                issuer.rs256(claims("alice@example.org", 300, "poplar")),
                issuer.es256(claims("alice@example.org", 300, "poplar")))) {
            try (LineClient c = client()) {
                c.send("AUTH OAUTHBEARER " + b64(oauthbearer("alice@example.org", token)) + "\r\n");
                assertLoggedInThenQuit(c);
            }
        }
        try (LineClient c = client()) {
            String token = issuer.rs256(claims("alice@example.org", 300, "poplar"));
            c.send("AUTH XOAUTH2 " + b64("user=alice@example.org\u0001auth=Bearer " + token + "\u0001\u0001") + "\r\n");
            assertLoggedInThenQuit(c);
        }
        // RFC 5034 section 4's way for responses over 255 octets: an empty challenge, then the response.
        try (LineClient c = client()) {
            c.send("AUTH OAUTHBEARER\r\n");
            assertEquals("+ ", c.line());
            c.send(b64(oauthbearer("alice@example.org", issuer.rs256(claims("alice@example.org", 300, "poplar"))))
                    + "\r\n");
            assertLoggedInThenQuit(c);
        }
    }

    @Test
    void badTokensGetTheErrorChallengeThenAuthError() throws Exception {
        Map<String, String> bad = Map.of(
                "expired", issuer.rs256(claims("alice@example.org", -600, "poplar")),
                "wrong audience", issuer.rs256(claims("alice@example.org", 300, "someone-else")),
                "another user", issuer.rs256(claims("mallory@example.org", 300, "poplar")),
                "tampered",
                        issuer.rs256(claims("alice@example.org", 300, "poplar"))
                                .replaceFirst(
                                        "\\.[^.]+\\.",
                                        "."
                                                + Jwts.b64(
                                                        "{\"iss\":\"https://idp.example\",\"aud\":\"poplar\",\"email\":\"alice@example.org\",\"exp\":9999999999}"
                                                                .getBytes())
                                                + "."),
                "not a jwt", "abc");
        Map<String, String> forged = new java.util.LinkedHashMap<>(bad);
        Map<String, Object> good = claims("alice@example.org", 300, "poplar");
        forged.put(
                "alg none",
                Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
                        + Jwts.b64(Jwts.JSON.writeValueAsBytes(good)) + ".");
        forged.put(
                "HS256 keyed with the RSA public key",
                hs256(good, issuer.rsa.getPublic().getEncoded()));
        Map<String, Object> wrongIssuer = new HashMap<>(good);
        wrongIssuer.put("iss", "https://evil.example");
        forged.put("wrong issuer", issuer.rs256(wrongIssuer));
        Map<String, Object> notYet = new HashMap<>(good);
        notYet.put("nbf", Instant.now().getEpochSecond() + 3600);
        forged.put("not yet valid", issuer.rs256(notYet));
        Map<String, Object> noExp = new HashMap<>(good);
        noExp.remove("exp");
        forged.put("no exp", issuer.rs256(noExp));
        Map<String, Object> noUser = new HashMap<>(good);
        noUser.remove("email");
        forged.put("no user claim", issuer.rs256(noUser));
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        forged.put(
                "signed by another key",
                Jwts.sign("RS256", "rsa-1", good, g.generateKeyPair().getPrivate(), "SHA256withRSA"));
        forged.put("unknown kid", Jwts.sign("RS256", "rsa-9", good, issuer.rsa.getPrivate(), "SHA256withRSA"));
        forged.put(
                "RS256 header, EC signature",
                Jwts.sign("RS256", "ec-1", good, issuer.ec.getPrivate(), "SHA256withECDSAinP1363Format"));
        forged.put("RS384", Jwts.sign("RS384", "rsa-1", good, issuer.rsa.getPrivate(), "SHA384withRSA"));
        for (Map.Entry<String, String> e : forged.entrySet()) {
            try (LineClient c = client()) {
                c.send("AUTH OAUTHBEARER " + b64(oauthbearer("alice@example.org", e.getValue())) + "\r\n");
                String challenge = c.line();
                assertTrue(challenge.startsWith("+ "), e.getKey() + ": " + challenge);
                assertTrue(unb64(challenge.substring(2)).contains("\"status\":\"invalid_token\""), e.getKey());
                c.send(b64("\u0001") + "\r\n");
                assertEquals("-ERR [AUTH] Invalid user name or password", c.line(), e.getKey());
            }
        }
        try (LineClient c = client()) {
            String expired = issuer.rs256(claims("alice@example.org", -600, "poplar"));
            c.send("AUTH XOAUTH2 " + b64("user=alice@example.org\u0001auth=Bearer " + expired + "\u0001\u0001")
                    + "\r\n");
            assertTrue(unb64(c.line().substring(2)).contains("\"status\":\"401\""));
            c.send("\r\n");
            assertEquals("-ERR [AUTH] Invalid user name or password", c.line());
        }
    }

    @Test
    void plaintextPolicyHidesAndRefusesSecretSendingMechanisms() throws Exception {
        server.close();
        server = TestServer.start(dir.resolve("data"), "POPLAR_AUTH_ALLOW_PLAINTEXT", "never");
        try (LineClient c = client()) {
            c.send("CAPA\r\n");
            c.line();
            List<String> capa = c.body();
            assertTrue(capa.contains("SASL SCRAM-SHA-256"), capa.toString());
            c.send("AUTH PLAIN " + b64("\0alice@example.org\0wonder-land 1") + "\r\n");
            assertTrue(c.line().startsWith("-ERR [AUTH] Plaintext authentication is not allowed"));
            ScramClient scram = new ScramClient("alice@example.org", "wonder-land 1");
            c.send("AUTH SCRAM-SHA-256 " + b64(scram.clientFirst()) + "\r\n");
            String serverFirst = unb64(c.line().substring(2));
            c.send(b64(scram.clientFinal(serverFirst)) + "\r\n");
            assertTrue(scram.serverFinalIsValid(unb64(c.line().substring(2))));
            c.send("\r\n");
            assertLoggedInThenQuit(c); // SCRAM needs no TLS: the password never crosses the wire
        }
    }

    @Test
    void metricsCountSaslAttemptsByMechanism() throws Exception {
        try (LineClient c = client()) {
            c.send("AUTH PLAIN " + b64("\0alice@example.org\0nope") + "\r\n");
            c.line();
        }
        String scrape = server.server().metrics().scrapeText();
        assertTrue(scrape.contains("poplar_auth_attempts_total{mechanism=\"plain\",result=\"failure\"} 1.0"));
        assertFalse(scrape.contains("nope"));
    }
}
