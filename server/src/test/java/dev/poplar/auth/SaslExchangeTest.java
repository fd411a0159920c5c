package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.auth.oauth.TokenValidator;
import dev.poplar.auth.sasl.SaslExchange;
import dev.poplar.auth.sasl.SaslExchange.Step;
import dev.poplar.auth.sasl.SaslMechanism;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.storage.memory.MemoryMailStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SASL exchanges (RFC 4616 PLAIN, LOGIN, RFC 5802/7677 SCRAM-SHA-256, RFC 7628 OAUTHBEARER,
 * XOAUTH2) step by step, on an in-memory store: every success, every way to fail, and the name a
 * failure reports for the per-user back-off.
 */
class SaslExchangeTest {
    @TempDir
    Path dir;

    MemoryMailStore store;
    SaslMechanisms mechanisms;
    Jwts issuer;

    @BeforeEach
    void setUp() throws Exception {
        store = new MemoryMailStore();
        PasswordHasher hasher = new PasswordHasher(1);
        store.createAccount("alice@example.org", hasher.hash("wonder-land 1"));
        issuer = new Jwts();
        issuer.writeJwks(dir.resolve("jwks.json"));
        TokenValidator tokens = new TokenValidator(
                "https://idp.example", "poplar", dir.resolve("jwks.json"), "email", Duration.ofSeconds(60));
        mechanisms = new SaslMechanisms(
                new Authenticator(store, hasher), Optional.of(tokens), List.of(SaslMechanism.values()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, Object> claims(String email) {
        Map<String, Object> m = new HashMap<>();
        m.put("iss", "https://idp.example");
        m.put("aud", "poplar");
        m.put("email", email);
        m.put("exp", Instant.now().getEpochSecond() + 300);
        return m;
    }

    @Test
    void plainChecksThePasswordAndNamesTheUserItFailedFor() throws Exception {
        assertEquals(
                new Step.Success("alice@example.org"),
                mechanisms.start(SaslMechanism.PLAIN).start(bytes("\0alice@example.org\0wonder-land 1")));
        assertEquals(
                new Step.Success("alice@example.org"),
                mechanisms
                        .start(SaslMechanism.PLAIN)
                        .start(bytes("alice@example.org\0alice@example.org\0wonder-land 1")),
                "an authzid equal to the authcid");
        Step wrong = mechanisms.start(SaslMechanism.PLAIN).start(bytes("\0alice@example.org\0nope"));
        assertEquals("alice@example.org", ((Step.Failure) wrong).user());
        Step other = mechanisms.start(SaslMechanism.PLAIN).start(bytes("mallory\0alice@example.org\0wonder-land 1"));
        assertInstanceOf(Step.Failure.class, other, "acting as another user is not offered");
        for (String bad : new String[] {"no nuls", "\0only-one-nul", "\0\0", "a\0b\0c\0d"}) {
            assertInstanceOf(
                    Step.Failure.class, mechanisms.start(SaslMechanism.PLAIN).start(bytes(bad)), bad);
        }
        SaslExchange asked = mechanisms.start(SaslMechanism.PLAIN);
        assertEquals(0, ((Step.Challenge) asked.start(null)).data().length, "no initial response: an empty challenge");
        assertEquals(new Step.Success("alice@example.org"), asked.next(bytes("\0alice@example.org\0wonder-land 1")));
    }

    @Test
    void scramRefusesWhatRfc5802Forbids() throws Exception {
        ScramClient good = new ScramClient("alice@example.org", "wonder-land 1");
        SaslExchange e = mechanisms.start(SaslMechanism.SCRAM_SHA_256);
        String serverFirst =
                new String(((Step.Challenge) e.start(bytes(good.clientFirst()))).data(), StandardCharsets.UTF_8);
        Step last = e.next(bytes(good.clientFinal(serverFirst)));
        assertTrue(good.serverFinalIsValid(new String(((Step.Challenge) last).data(), StandardCharsets.UTF_8)));
        assertEquals(new Step.Success("alice@example.org"), e.next(new byte[0]));
        for (String first : new String[] {
            "p=tls-unique,,n=alice@example.org,r=abc",
            "n,,r=abc",
            "n,,n=alice@example.org",
            "n,a=mallory,n=alice@example.org,r=abc",
            "x,,n=a,r=b",
            "n,,n=a,r=",
            "n,a=x"
        }) {
            assertInstanceOf(
                    Step.Failure.class,
                    mechanisms.start(SaslMechanism.SCRAM_SHA_256).start(bytes(first)),
                    first);
        }
        ScramClient wrong = new ScramClient("alice@example.org", "not it");
        SaslExchange w = mechanisms.start(SaslMechanism.SCRAM_SHA_256);
        String wFirst =
                new String(((Step.Challenge) w.start(bytes(wrong.clientFirst()))).data(), StandardCharsets.UTF_8);
        Step failed = w.next(bytes(wrong.clientFinal(wFirst)));
        assertEquals("alice@example.org", ((Step.Failure) failed).user(), "only at the proof");
        SaslExchange tampered = mechanisms.start(SaslMechanism.SCRAM_SHA_256);
        ScramClient c = new ScramClient("alice@example.org", "wonder-land 1");
        String tFirst =
                new String(((Step.Challenge) tampered.start(bytes(c.clientFirst()))).data(), StandardCharsets.UTF_8);
        String fin = c.clientFinal(tFirst);
        assertInstanceOf(
                Step.Failure.class, tampered.next(bytes(fin.replace("c=biws", "c=eSws"))), "channel binding changed");
        SaslExchange nonce = mechanisms.start(SaslMechanism.SCRAM_SHA_256);
        ScramClient d = new ScramClient("alice@example.org", "wonder-land 1");
        String nFirst =
                new String(((Step.Challenge) nonce.start(bytes(d.clientFirst()))).data(), StandardCharsets.UTF_8);
        String nFinal = d.clientFinal(nFirst);
        assertInstanceOf(Step.Failure.class, nonce.next(bytes(nFinal.replaceFirst(",r=", ",r=X"))), "another nonce");
        SaslExchange asks = mechanisms.start(SaslMechanism.SCRAM_SHA_256);
        assertEquals(0, ((Step.Challenge) asks.start(null)).data().length, "no initial response: an empty challenge");
        ScramClient late = new ScramClient("alice@example.org", "wonder-land 1");
        String lFirst =
                new String(((Step.Challenge) asks.next(bytes(late.clientFirst()))).data(), StandardCharsets.UTF_8);
        asks.next(bytes(late.clientFinal(lFirst)));
        assertEquals("unexpected data after server-final", ((Step.Failure) asks.next(bytes("x"))).reason());
        assertEquals("exchange already finished", ((Step.Failure) asks.next(new byte[0])).reason());
    }

    private static String oauthbearer(String user, String token) {
        return "n,a=" + user + ",\u0001host=localhost\u0001port=110\u0001auth=Bearer " + token + "\u0001\u0001";
    }

    @Test
    void bearerTokensLogInTheirUserAndAFailureComesAfterTheErrorChallenge() throws Exception {
        String token = issuer.rs256(claims("alice@example.org"));
        assertEquals(
                new Step.Success("alice@example.org"),
                mechanisms.start(SaslMechanism.OAUTHBEARER).start(bytes(oauthbearer("alice@example.org", token))));
        assertEquals(
                new Step.Success("alice@example.org"),
                mechanisms
                        .start(SaslMechanism.OAUTHBEARER)
                        .start(bytes("n,,\u0001auth=Bearer " + token + "\u0001\u0001")),
                "no authzid: the token's user");
        assertEquals(
                new Step.Success("alice@example.org"),
                mechanisms
                        .start(SaslMechanism.XOAUTH2)
                        .start(bytes("user=alice@example.org\u0001auth=Bearer " + token + "\u0001\u0001")));

        SaslExchange other = mechanisms.start(SaslMechanism.OAUTHBEARER);
        Step challenge = other.start(bytes(oauthbearer("mallory@example.org", token)));
        assertEquals(
                "{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}",
                new String(((Step.Challenge) challenge).data(), StandardCharsets.UTF_8));
        assertEquals(new Step.Failure("mallory@example.org", "token is for another user"), other.next(bytes("\u0001")));

        SaslExchange x = mechanisms.start(SaslMechanism.XOAUTH2);
        Step xc = x.start(bytes("user=alice@example.org\u0001auth=Bearer abc\u0001\u0001"));
        assertEquals(
                "{\"status\":\"401\",\"schemes\":\"bearer\"}",
                new String(((Step.Challenge) xc).data(), StandardCharsets.UTF_8));
        assertInstanceOf(Step.Failure.class, x.next(new byte[0]));

        SaslExchange none = mechanisms.start(SaslMechanism.OAUTHBEARER);
        assertInstanceOf(Step.Challenge.class, none.start(bytes("n,,\u0001host=x\u0001\u0001")));
        assertEquals("no bearer token", ((Step.Failure) none.next(new byte[0])).reason());

        SaslExchange stranger = mechanisms.start(SaslMechanism.OAUTHBEARER);
        stranger.start(bytes("n,,\u0001auth=Bearer " + issuer.rs256(claims("nobody@example.org")) + "\u0001\u0001"));
        Step f = stranger.next(new byte[0]);
        assertEquals("nobody@example.org", ((Step.Failure) f).user(), "the token's user is the one tried");
        assertEquals("no mailbox for the token's user", ((Step.Failure) f).reason());

        for (String bad : new String[] {"garbage", "n,a=alice", "q,,\u0001auth=Bearer x\u0001\u0001"}) {
            assertInstanceOf(
                    Step.Failure.class,
                    mechanisms.start(SaslMechanism.OAUTHBEARER).start(bytes(bad)),
                    bad);
        }
        assertInstanceOf(
                Step.Challenge.class,
                mechanisms.start(SaslMechanism.OAUTHBEARER).start(null),
                "RFC 5034: an empty challenge asks for the response");
    }

    @Test
    void theOfferFollowsTheConfigurationTheTokensAndThePlaintextPolicy() {
        SaslMechanisms noTokens = new SaslMechanisms(
                new Authenticator(store, new PasswordHasher(1)),
                Optional.empty(),
                List.of(
                        SaslMechanism.OAUTHBEARER,
                        SaslMechanism.PLAIN,
                        SaslMechanism.PLAIN,
                        SaslMechanism.SCRAM_SHA_256));
        assertEquals(
                List.of("PLAIN", "SCRAM-SHA-256"), noTokens.advertised(true), "no validator: no bearer mechanisms");
        assertEquals(List.of("SCRAM-SHA-256"), noTokens.advertised(false), "without TLS only what sends no secret");
        assertEquals(Optional.of(SaslMechanism.PLAIN), noTokens.offered("plain"));
        assertEquals(Optional.empty(), noTokens.offered("OAUTHBEARER"));
        assertEquals(Optional.empty(), noTokens.offered("CRAM-MD5"));
        assertThrows(IllegalArgumentException.class, () -> noTokens.start(SaslMechanism.LOGIN));
        assertEquals("PLAIN, LOGIN, SCRAM-SHA-256, OAUTHBEARER, XOAUTH2", SaslMechanism.known());
        assertEquals(Optional.of(SaslMechanism.XOAUTH2), SaslMechanism.named(" xoauth2 "));
        assertEquals(new Step.Failure("-", "r"), new Step.Failure("", "r"));
        assertEquals(new Step.Failure("-", "r"), new Step.Failure(null, "r"));
        assertEquals("bob", new Step.Failure("bob", "r").user());
    }
}
