package dev.poplar.directory;

import java.util.function.UnaryOperator;

/**
 * A login name and the parts that directory templates use, with Dovecot's variable names:
 * {@code %u} the whole name ("alice@example.org"), {@code %n} the part before the last '@'
 * ("alice"), {@code %d} the part after it ("example.org", empty when there is none), and
 * {@code %%} a literal '%'.
 */
public record LoginParts(String user, String local, String domain) {
    public static LoginParts of(String login) {
        int at = login.lastIndexOf('@');
        return at < 0
                ? new LoginParts(login, login, "")
                : new LoginParts(login, login.substring(0, at), login.substring(at + 1));
    }

    /**
     * {@code template} with each variable replaced by its value passed through {@code escape} (an
     * LDAP filter's RFC 4515 escaping): values are never read as template syntax.
     *
     * @throws IllegalArgumentException for a '%' followed by anything else, naming it
     */
    public String expand(String template, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(template.length() + user.length());
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 == template.length()) {
                throw new IllegalArgumentException("a lone '%' at the end of " + template + " (write %% for '%')");
            }
            char v = template.charAt(++i);
            switch (v) {
                case 'u' -> out.append(escape.apply(user));
                case 'n' -> out.append(escape.apply(local));
                case 'd' -> out.append(escape.apply(domain));
                case '%' -> out.append('%');
                default ->
                    throw new IllegalArgumentException(
                            "unknown variable %" + v + " in " + template + " (known: %u, %n, %d, %%)");
            }
        }
        return out.toString();
    }

    /** Checks a template's variables without expanding it (configuration time). */
    public static void check(String template) {
        LoginParts.of("x@y").expand(template, UnaryOperator.identity());
    }
}
