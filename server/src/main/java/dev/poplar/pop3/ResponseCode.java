package dev.poplar.pop3;

/** Extended response codes sent in brackets after -ERR (RFC 2449 section 8, RFC 3206). */
public enum ResponseCode {
    /** No code. */
    NONE(null),
    /** RFC 2449 section 8.1.2: the maildrop is locked by another session. */
    IN_USE("IN-USE"),
    /** RFC 2449 section 8.1.1: logged in too soon after the previous login. */
    LOGIN_DELAY("LOGIN-DELAY"),
    /** RFC 3206 section 4: the failure is about the credentials. */
    AUTH("AUTH"),
    /** RFC 3206 section 5: a temporary system problem; retry later. */
    SYS_TEMP("SYS/TEMP"),
    /** RFC 3206 section 5: a permanent system problem. */
    SYS_PERM("SYS/PERM");

    private final String text;

    ResponseCode(String text) {
        this.text = text;
    }

    /** The code as sent, without brackets; null for {@link #NONE}. */
    public String text() {
        return text;
    }
}
