package dev.poplar.pop3;

import java.util.ArrayList;
import java.util.List;

/**
 * The CAPA listing (RFC 2449 section 5), which differs before and after login and names only
 * what this server really does.
 */
public final class Capabilities {
    private final List<String> beforeLogin;
    private final List<String> afterLogin;

    public Capabilities(String implementation, long loginDelaySeconds) {
        List<String> common = List.of(
                "TOP",                  // RFC 2449 section 6.1
                "UIDL",                 // RFC 2449 section 6.6
                "RESP-CODES",           // RFC 2449 section 6.4: we send [IN-USE], [SYS/*]
                "AUTH-RESP-CODE",       // RFC 3206 section 3: we send [AUTH]
                "PIPELINING",           // RFC 2449 section 6.6
                "EXPIRE NEVER");        // RFC 2449 section 6.7: Poplar never expires mail itself
        List<String> before = new ArrayList<>(common);
        if (loginDelaySeconds > 0) {
            before.add("LOGIN-DELAY " + loginDelaySeconds); // RFC 2449 section 6.5, enforced at login
        }
        before.add("USER");             // RFC 2449 section 6.3
        this.beforeLogin = List.copyOf(before);
        List<String> after = new ArrayList<>(common);
        if (loginDelaySeconds > 0) {
            after.add("LOGIN-DELAY " + loginDelaySeconds);
        }
        // RFC 2449 section 6.9; only after login, so anonymous scanners learn no version.
        after.add("IMPLEMENTATION " + implementation);
        this.afterLogin = List.copyOf(after);
    }

    /**
     * The listing for this session: before login, STLS only while TLS is available and not yet
     * on (RFC 2595 section 4), and USER only where clear-text passwords are accepted.
     */
    public List<String> list(SessionState state, boolean tlsAvailable, boolean secure, boolean plaintextAllowed,
                             List<String> saslMechanisms) {
        return switch (state) {
            case SessionState.Authorization a -> {
                List<String> l = new ArrayList<>(beforeLogin);
                if (!plaintextAllowed) {
                    l.remove("USER");
                }
                if (!saslMechanisms.isEmpty()) {
                    l.add("SASL " + String.join(" ", saslMechanisms)); // RFC 2449 section 6.3, RFC 5034
                }
                if (tlsAvailable && !secure) {
                    l.add("STLS");
                }
                yield l;
            }
            case SessionState.Sasl s -> beforeLogin;
            case Transaction t -> afterLogin;
        };
    }
}
