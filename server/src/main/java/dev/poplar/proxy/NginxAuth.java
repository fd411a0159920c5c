package dev.poplar.proxy;

import dev.poplar.abuse.LoginGuard;
import dev.poplar.auth.Authenticator;
import dev.poplar.directory.DirectoryException;
import dev.poplar.log.SessionLog;
import dev.poplar.storage.StoreException;
import java.net.InetAddress;
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
 * credential cache) and sees the real client address. In a cluster (docs/scale-out.md) the
 * server it names is the node that owns the mailbox, after that node verified the credentials.
 */
public final class NginxAuth {
    private static final System.Logger LOG = System.getLogger("dev.poplar.proxy");
    /** The request header carrying the shared key (nginx: auth_http_header). */
    public static final String KEY_HEADER = SharedKey.HEADER;

    private final SharedKey key;
    private final Authenticator authenticator;
    private final LoginGuard guard;
    private final String upstreamHost;
    private final int upstreamPort;
    private final int maxAttempts;
    private final OwnerRouting routing;

    /**
     * @param key          the shared key nginx must send (poplar.nginx.auth-key)
     * @param upstreamHost where nginx reaches this node's POP3 listener
     * @param maxAttempts  failed attempts per connection before nginx is told to close it
     * @param routing      which node owns each user (OwnerRouting.SINGLE_NODE outside a cluster)
     */
    public NginxAuth(
            String key,
            Authenticator authenticator,
            LoginGuard guard,
            String upstreamHost,
            int upstreamPort,
            int maxAttempts,
            OwnerRouting routing) {
        this.key = new SharedKey(key);
        this.authenticator = authenticator;
        this.guard = guard;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.maxAttempts = maxAttempts;
        this.routing = routing;
    }

    /** What to answer: empty for a request without the right key (HTTP 403), else the headers. */
    public Optional<Map<String, String>> answer(Function<String, Optional<String>> header) {
        if (!key.matches(header)) {
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
        String user = AuthEscaping.unescape(header.apply("Auth-User").orElse(""));
        String password = AuthEscaping.unescape(header.apply("Auth-Pass").orElse(""));
        if (guard.banned(client)) {
            out.put("Auth-Status", "[AUTH] Too many failed logins from your address, try again later");
            return Optional.of(out);
        }
        return Optional.of(
                switch (routing.route(user)) {
                    case OwnerRouting.Local here -> verifyHere(client, user, password, header);
                    case OwnerRouting.Remote owner ->
                        switch (routing.verify(owner, user, password, client)) {
                            case ACCEPTED -> accepted(client, owner.host(), owner.port());
                            case REJECTED -> rejected(client, user, header);
                            case UNAVAILABLE -> ownerDown(client, user, "node " + owner.node() + " did not answer");
                        };
                    case OwnerRouting.Unavailable none -> ownerDown(client, user, none.why());
                });
    }

    private Map<String, String> verifyHere(
            InetAddress client, String user, String password, Function<String, Optional<String>> header) {
        try {
            return authenticator.authenticate(user, password).isPresent()
                    ? accepted(client, upstreamHost, upstreamPort)
                    : rejected(client, user, header);
        } catch (StoreException e) {
            log("auth_unavailable", client, user, e.getMessage());
            return Map.of(
                    "Auth-Status",
                    e instanceof DirectoryException
                            ? "[SYS/TEMP] User directory unavailable, try again later"
                            : "[SYS/TEMP] Mail store unavailable, try again later");
        }
    }

    private Map<String, String> accepted(InetAddress client, String host, int port) {
        guard.succeeded(client);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Auth-Status", "OK");
        out.put("Auth-Server", host);
        out.put("Auth-Port", Integer.toString(port));
        return out;
    }

    private Map<String, String> rejected(InetAddress client, String user, Function<String, Optional<String>> header) {
        log("auth_failed", client, user, "bad credentials");
        Duration delay = guard.failed(client, user);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Auth-Status", "[AUTH] Invalid user name or password");
        int attempt = parseAttempt(header.apply("Auth-Login-Attempt").orElse("1"));
        if (!guard.banned(client) && attempt < maxAttempts) {
            // nginx waits this long before the client's next try: the guard's growing delay.
            out.put("Auth-Wait", Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000)));
        }
        return out;
    }

    /** The owner of the mailbox cannot serve it now: a temporary failure, no Auth-Wait (nginx closes). */
    private static Map<String, String> ownerDown(InetAddress client, String user, String why) {
        log("auth_unavailable", client, user, why);
        return Map.of("Auth-Status", "[SYS/TEMP] The server holding your mailbox is unavailable, try again later");
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
