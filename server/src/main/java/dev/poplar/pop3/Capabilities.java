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
        List<String> common = new ArrayList<>(List.of(
                "TOP", // RFC 2449 section 6.1
                "UIDL", // RFC 2449 section 6.6
                "RESP-CODES", // RFC 2449 section 6.4: we send [IN-USE], [SYS/*]
                "AUTH-RESP-CODE", // RFC 3206 section 3: we send [AUTH]
                "PIPELINING", // RFC 2449 section 6.6
                "EXPIRE NEVER")); // RFC 2449 section 6.7: Poplar never expires mail itself
        if (loginDelaySeconds > 0) {
            common.add("LOGIN-DELAY " + loginDelaySeconds); // RFC 2449 section 6.5, enforced at login
        }
        this.beforeLogin = List.copyOf(common);
        List<String> after = new ArrayList<>(common);
        // RFC 2449 section 6.9; only after login, so anonymous scanners learn no version.
        after.add("IMPLEMENTATION " + implementation);
        this.afterLogin = List.copyOf(after);
    }

    /**
     * The listing for this session. RFC 2449 section 5: capabilities of the AUTHORIZATION state
     * MUST be announced in both states, so USER (where clear-text passwords are accepted), SASL and
     * STLS (while TLS is available and not yet on, RFC 2595 section 4) appear after login too,
     * although the commands themselves answer -ERR there.
     */
    public List<String> list(
            SessionState state,
            boolean tlsAvailable,
            boolean secure,
            boolean plaintextAllowed,
            List<String> saslMechanisms) {
        List<String> l = new ArrayList<>(state instanceof Transaction ? afterLogin : beforeLogin);
        if (plaintextAllowed) {
            l.add("USER"); // RFC 2449 section 6.3
        }
        if (!saslMechanisms.isEmpty()) {
            l.add("SASL " + String.join(" ", saslMechanisms)); // RFC 2449 section 6.3, RFC 5034
        }
        if (tlsAvailable && !secure) {
            l.add("STLS");
        }
        return l;
    }
}
