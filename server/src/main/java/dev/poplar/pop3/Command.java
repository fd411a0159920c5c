package dev.poplar.pop3;

import java.util.OptionalInt;

/**
 * A parsed POP3 command (RFC 1939 section 5-7, RFC 2449 section 5). "Absent" is an empty
 * Optional, never a magic number: {@code TOP n 0} asks for zero body lines.
 */
public sealed interface Command {
    /** The command's keyword, for logs and metrics labels. */
    Pop3Keyword keyword();

    record User(String user) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.USER;
        }
    }

    record Pass(String password) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.PASS;
        }

        @Override
        public String toString() {
            return "Pass[password hidden]";
        }
    }

    record Quit() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.QUIT;
        }
    }

    record Stat() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.STAT;
        }
    }

    record List(OptionalInt message) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.LIST;
        }
    }

    record Retr(int message) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.RETR;
        }
    }

    record Dele(int message) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.DELE;
        }
    }

    record Noop() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.NOOP;
        }
    }

    record Rset() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.RSET;
        }
    }

    record Top(int message, int lines) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.TOP;
        }
    }

    record Uidl(OptionalInt message) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.UIDL;
        }
    }

    record Capa() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.CAPA;
        }
    }

    /**
     * RFC 5034: AUTH mechanism [initial-response]. A bare AUTH (no mechanism) lists the
     * mechanisms, as Outlook expects.
     */
    record Auth(java.util.Optional<String> mechanism, java.util.Optional<String> initialResponse) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.AUTH;
        }

        @Override
        public String toString() {
            return "Auth[" + mechanism.orElse("") + ", initial response hidden]";
        }
    }

    /** RFC 1939 section 7: APOP name digest, digest = MD5(banner timestamp + shared secret). */
    record Apop(String user, String digest) implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.APOP;
        }
    }

    /** RFC 2595 section 4: switch to TLS. */
    record Stls() implements Command {
        public Pop3Keyword keyword() {
            return Pop3Keyword.STLS;
        }
    }
}
