package dev.poplar.pop3;

import java.util.OptionalInt;

/**
 * A parsed POP3 command (RFC 1939 section 5-7, RFC 2449 section 5). "Absent" is an empty
 * Optional, never a magic number: {@code TOP n 0} asks for zero body lines.
 */
public sealed interface Command {
    /** The command keyword as clients send it, for logs and metrics labels. */
    String name();

    record User(String user) implements Command {
        public String name() {
            return "USER";
        }
    }

    record Pass(String password) implements Command {
        public String name() {
            return "PASS";
        }

        @Override
        public String toString() {
            return "Pass[password hidden]";
        }
    }

    record Quit() implements Command {
        public String name() {
            return "QUIT";
        }
    }

    record Stat() implements Command {
        public String name() {
            return "STAT";
        }
    }

    record List(OptionalInt message) implements Command {
        public String name() {
            return "LIST";
        }
    }

    record Retr(int message) implements Command {
        public String name() {
            return "RETR";
        }
    }

    record Dele(int message) implements Command {
        public String name() {
            return "DELE";
        }
    }

    record Noop() implements Command {
        public String name() {
            return "NOOP";
        }
    }

    record Rset() implements Command {
        public String name() {
            return "RSET";
        }
    }

    record Top(int message, int lines) implements Command {
        public String name() {
            return "TOP";
        }
    }

    record Uidl(OptionalInt message) implements Command {
        public String name() {
            return "UIDL";
        }
    }

    record Capa() implements Command {
        public String name() {
            return "CAPA";
        }
    }

    /**
     * RFC 5034: AUTH mechanism [initial-response]. A bare AUTH (no mechanism) lists the
     * mechanisms, as Outlook expects.
     */
    record Auth(java.util.Optional<String> mechanism, java.util.Optional<String> initialResponse) implements Command {
        public String name() {
            return "AUTH";
        }

        @Override
        public String toString() {
            return "Auth[" + mechanism.orElse("") + ", initial response hidden]";
        }
    }

    /** RFC 1939 section 7: APOP name digest, digest = MD5(banner timestamp + shared secret). */
    record Apop(String user, String digest) implements Command {
        public String name() {
            return "APOP";
        }
    }

    /** RFC 2595 section 4: switch to TLS. */
    record Stls() implements Command {
        public String name() {
            return "STLS";
        }
    }
}
