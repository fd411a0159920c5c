package dev.poplar.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.abuse.LoginGuard;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.storage.memory.MemoryMailStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The auth_http answers, header by header, as nginx's ngx_mail_auth_http_module reads them. */
class NginxAuthTest {
    static final String KEY = "k".repeat(20);
    final MemoryMailStore store = new MemoryMailStore();
    final PasswordHasher hasher = new PasswordHasher(1000);
    final LoginGuard guard = new LoginGuard(new LoginGuard.Settings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            3,
            Duration.ofMinutes(10),
            Duration.ofMinutes(15),
            List.of()));
    final NginxAuth auth =
            new NginxAuth(KEY, new Authenticator(store, hasher), guard, "10.0.0.5", 110, 5, OwnerRouting.SINGLE_NODE);

    private Optional<Map<String, String>> ask(String user, String escapedPass, String ip, int attempt) {
        Map<String, String> h = new HashMap<>(Map.of(
                NginxAuth.KEY_HEADER,
                KEY,
                "Auth-Method",
                "plain",
                "Auth-User",
                user,
                "Auth-Pass",
                escapedPass,
                "Auth-Protocol",
                "pop3",
                "Auth-Login-Attempt",
                Integer.toString(attempt),
                "Client-IP",
                ip));
        return auth.answer(name -> Optional.ofNullable(h.get(name)));
    }

    @Test
    void theRightPasswordSendsNginxToThisNode() throws Exception {
        store.createAccount("alice", hasher.hash("a b%c"));
        assertEquals(
                Map.of("Auth-Status", "OK", "Auth-Server", "10.0.0.5", "Auth-Port", "110"),
                ask("alice", "a%20b%25c", "192.0.2.1", 1).orElseThrow(),
                "nginx escapes the space and the %");
    }

    @Test
    void wrongPasswordsWaitThenAreCutOffAndBanned() throws Exception {
        store.createAccount("alice", hasher.hash("right"));
        Map<String, String> first = ask("alice", "wrong", "192.0.2.2", 1).orElseThrow();
        assertEquals("[AUTH] Invalid user name or password", first.get("Auth-Status"));
        assertEquals("2", first.get("Auth-Wait"), "the guard's failure delay, in whole seconds");
        assertFalse(
                ask("alice", "wrong", "192.0.2.3", 5).orElseThrow().containsKey("Auth-Wait"), "attempt 5 of 5: closed");
        ask("alice", "wrong", "192.0.2.2", 2);
        Map<String, String> third = ask("alice", "wrong", "192.0.2.2", 3).orElseThrow();
        assertFalse(third.containsKey("Auth-Wait"), "banned by this failure: nginx closes");
        Map<String, String> banned = ask("alice", "right", "192.0.2.2", 1).orElseThrow();
        assertTrue(banned.get("Auth-Status").startsWith("[AUTH] Too many failed logins"), banned.toString());
        assertEquals("OK", ask("alice", "right", "192.0.2.9", 1).orElseThrow().get("Auth-Status"), "others are not");
    }

    @Test
    void onlyNginxWithTheKeyAndOnlyPop3PlainAreAnswered() {
        assertEquals(Optional.empty(), auth.answer(name -> Optional.empty()));
        assertEquals(
                Optional.empty(),
                auth.answer(name -> Optional.of(name.equals(NginxAuth.KEY_HEADER) ? KEY + "x" : "pop3")));
        Map<String, String> imap = new HashMap<>(Map.of(NginxAuth.KEY_HEADER, KEY, "Auth-Protocol", "imap"));
        assertTrue(auth.answer(n -> Optional.ofNullable(imap.get(n)))
                .orElseThrow()
                .get("Auth-Status")
                .contains("POP3 only"));
        Map<String, String> apop =
                new HashMap<>(Map.of(NginxAuth.KEY_HEADER, KEY, "Auth-Protocol", "pop3", "Auth-Method", "apop"));
        assertTrue(auth.answer(n -> Optional.ofNullable(apop.get(n)))
                .orElseThrow()
                .get("Auth-Status")
                .startsWith("Unsupported"));
        NginxAuth noKey =
                new NginxAuth("", new Authenticator(store, hasher), guard, "h", 1, 5, OwnerRouting.SINGLE_NODE);
        assertEquals(Optional.empty(), noKey.answer(name -> Optional.of("")), "no key configured: nobody");
    }

    @Test
    void unescapingIsExactlyNginxsEscaping() {
        assertEquals("a b%c", AuthEscaping.unescape("a%20b%25c"));
        assertEquals("100%", AuthEscaping.unescape("100%"), "a lone % stands for itself");
        assertEquals("%zz", AuthEscaping.unescape("%zz"));
        assertEquals("é", AuthEscaping.unescape("%C3%A9"));
        assertEquals("a+b", AuthEscaping.unescape("a+b"), "not form encoding: + is +");
    }

    @Test
    void peerEscapingCarriesAnyPasswordThroughAHeader() {
        for (String p : new String[] {"p w", "100%", "é\u0000x", "tab\there", "a+b:c;d\"", "\r\n"}) {
            String escaped = AuthEscaping.escape(p);
            assertTrue(escaped.chars().allMatch(c -> c > ' ' && c < 0x7f), escaped);
            assertEquals(p, AuthEscaping.unescape(escaped));
        }
        assertEquals("p%20w%25", AuthEscaping.escape("p w%"));
    }

    @Test
    void requestHeadsAreBounded() throws Exception {
        var ok = AuthHttpService.readHead(stream("GET /auth HTTP/1.0\r\nAuth-User: a\r\nauth-user: b\r\n\r\n"));
        assertEquals(Optional.of(Map.of("auth-user", "a")), ok.map(AuthHttpService.Request::headers));
        assertEquals("/auth", ok.orElseThrow().path());
        assertEquals(
                "/peer/create",
                AuthHttpService.readHead(stream("POST /peer/create HTTP/1.1\r\n\r\n"))
                        .orElseThrow()
                        .path());
        assertEquals(Optional.empty(), AuthHttpService.readHead(stream("PUT /auth HTTP/1.0\r\n\r\n")));
        assertEquals(Optional.empty(), AuthHttpService.readHead(stream("GET auth HTTP/1.0\r\n\r\n")));
        assertEquals(Optional.empty(), AuthHttpService.readHead(stream("GET /auth HTTP/1.0\r\nno colon\r\n\r\n")));
        assertEquals(Optional.empty(), AuthHttpService.readHead(stream("GET /auth HTTP/1.0\r\nA: b\r\n")), "no end");
        assertEquals(
                Optional.empty(),
                AuthHttpService.readHead(stream("GET /auth HTTP/1.0\r\n" + "X: y\r\n".repeat(2000) + "\r\n")),
                "past 8 KiB");
        assertEquals(
                Optional.empty(),
                AuthHttpService.readHead(stream("GET /a HTTP/1.0\r\n" + "X: y\r\n".repeat(65) + "\r\n")),
                "past 64 headers");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
