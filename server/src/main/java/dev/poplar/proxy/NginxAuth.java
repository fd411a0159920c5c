package dev.poplar.proxy;

import dev.poplar.abuse.LoginGuard;
import dev.poplar.auth.Authenticator;
import dev.poplar.directory.DirectoryException;
import dev.poplar.log.SessionLog;
import dev.poplar.storage.StoreException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * nginx's mail proxy authentication (ngx_mail_auth_http_module): nginx asks with request headers
 * (Auth-Method, Auth-User, Auth-Pass, Auth-Protocol, Auth-Login-Attempt, Client-IP) and is told
 * in response headers where to send the client (Auth-Status: OK, Auth-Server, Auth-Port) or what
 * to say (Auth-Status: the text after "-ERR ", and Auth-Wait: seconds before the client may try
 * again; without it nginx closes the connection). The answer follows the same login policy as a
 * direct POP3 login: the failure delay and bans of the client address nginx names, the same log
 * line for fail2ban, [SYS/TEMP] when a directory cannot answer.
 *
 * <p>nginx then logs in to the POP3 server it was given with the same credentials, over the
 * PROXY protocol (poplar.pop3.trusted-proxies), so that server checks them again (from its
 * credential cache) and sees the real client address. This class is the single-node step of the
 * cluster (docs/scale-out.md): the server it names is this node.
 */
public final class NginxAuth {
    private static final System.Logger LOG = System.getLogger("dev.poplar.proxy");
    /** The request header carrying the shared key (nginx: auth_http_header). */
    public static final String KEY_HEADER = "X-Poplar-Auth-Key";

    private final byte[] key;
    private final Authenticator authenticator;
    private final LoginGuard guard;
    private final String upstreamHost;
    private final int upstreamPort;
    private final int maxAttempts;

    /**
     * @param key          the shared key nginx must send (poplar.nginx.auth-key)
     * @param upstreamHost where nginx reaches this node's POP3 listener
     * @param maxAttempts  failed attempts per connection before nginx is told to close it
     */
    public NginxAuth(
            String key,
            Authenticator authenticator,
            LoginGuard guard,
            String upstreamHost,
            int upstreamPort,
            int maxAttempts) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.authenticator = authenticator;
        this.guard = guard;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.maxAttempts = maxAttempts;
    }

    /** What to answer: empty for a request without the right key (HTTP 403), else the headers. */
    public Optional<Map<String, String>> answer(Function<String, Optional<String>> header) {
        byte[] presented = header.apply(KEY_HEADER).orElse("").getBytes(StandardCharsets.UTF_8);
        if (key.length == 0 || !MessageDigest.isEqual(key, presented)) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        String protocol = header.apply("Auth-Protocol").orElse("");
        if (!protocol.equalsIgnoreCase("pop3")) {
            out.put("Auth-Status", "[SYS/PERM] This server speaks POP3 only");
            return Optional.of(out);
        }
        if (!header.apply("Auth-Method").orElse("").equalsIgnoreCase("plain")) {
            out.put("Auth-Status", "Unsupported authentication method: use USER/PASS, AUTH PLAIN or AUTH LOGIN");
            return Optional.of(out);
        }
        InetAddress client = clientAddress(header.apply("Client-IP").orElse(""));
        String user = unescape(header.apply("Auth-User").orElse(""));
        String password = unescape(header.apply("Auth-Pass").orElse(""));
        if (guard.banned(client)) {
            out.put("Auth-Status", "[AUTH] Too many failed logins from your address, try again later");
            return Optional.of(out);
        }
        Optional<String> account;
        try {
            account = authenticator.authenticate(user, password);
        } catch (StoreException e) {
            log("auth_unavailable", client, user, e.getMessage());
            out.put(
                    "Auth-Status",
                    e instanceof DirectoryException
                            ? "[SYS/TEMP] User directory unavailable, try again later"
                            : "[SYS/TEMP] Mail store unavailable, try again later");
            return Optional.of(out);
        }
        if (account.isPresent()) {
            guard.succeeded(client);
            out.put("Auth-Status", "OK");
            out.put("Auth-Server", upstreamHost);
            out.put("Auth-Port", Integer.toString(upstreamPort));
            return Optional.of(out);
        }
        log("auth_failed", client, user, "bad credentials");
        Duration delay = guard.failed(client, user);
        out.put("Auth-Status", "[AUTH] Invalid user name or password");
        int attempt = parseAttempt(header.apply("Auth-Login-Attempt").orElse("1"));
        if (!guard.banned(client) && attempt < maxAttempts) {
            // nginx waits this long before the client's next try: the guard's growing delay.
            out.put("Auth-Wait", Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000)));
        }
        return Optional.of(out);
    }

    private static int parseAttempt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // nonsense from the proxy: no more tries on this connection
        }
    }

    /** The client nginx names; an unusable value counts as nginx's own (unspecified) address. */
    private static InetAddress clientAddress(String ip) {
        return dev.poplar.net.AddressLiterals.parse(ip.strip()).orElse(InetAddress.getLoopbackAddress());
    }

    /**
     * nginx escapes Auth-User and Auth-Pass (ngx_escape_uri, NGX_ESCAPE_MAIL_AUTH): %XX for '%',
     * space and control characters; anything else is as the client sent it. A '%' not followed by
     * two hex digits stands for itself.
     */
    static String unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit((char) b, 16);
    }

    private static void log(String event, InetAddress client, String user, String reason) {
        LOG.log(
                System.Logger.Level.WARNING,
                SessionLog.event(event)
                        .with("ip", client.getHostAddress())
                        .with("user", user)
                        .with("mechanism", "nginx")
                        .with("reason", reason)
                        .toString());
    }
}
