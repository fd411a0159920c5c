package dev.poplar.pop3;

import java.util.HashMap;
import java.util.Map;

/**
 * The POP3 command keywords this server knows (RFC 1939 sections 5-7, RFC 2449 section 5, RFC
 * 2595 section 4, RFC 5034): the one vocabulary of the parser, the {@link Command} records and
 * the {@code cmd_name} metric label. The parser's switch over it is exhaustive, so a keyword
 * added here does not compile until it is parsed.
 */
public enum Pop3Keyword {
    USER,
    PASS,
    QUIT,
    STAT,
    LIST,
    RETR,
    DELE,
    NOOP,
    RSET,
    TOP,
    UIDL,
    CAPA,
    STLS,
    AUTH,
    APOP;

    private static final Map<String, Pop3Keyword> BY_NAME = new HashMap<>();

    static {
        for (Pop3Keyword k : values()) {
            BY_NAME.put(k.name(), k);
        }
    }

    /** The keyword of an upper-case word, or null when it names no command. */
    public static Pop3Keyword lookup(String upperCase) {
        return BY_NAME.get(upperCase);
    }
}
