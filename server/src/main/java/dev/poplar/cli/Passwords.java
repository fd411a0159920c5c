package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a password from the terminal (asked twice) or from the first line of standard input. */
final class Passwords {
    private Passwords() {}

    /**
     * JDK 22+ returns a Console even when input is piped and adds isTerminal() to tell; on 21 a
     * non-null Console already means a terminal. We compile for 21, so ask reflectively.
     */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static String read(boolean fromStdin) throws AdminException {
        Console console = System.console();
        if (!fromStdin && isTerminal(console)) {
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new AdminException(AdminException.Kind.INVALID, "the passwords differ");
            }
            return new String(first);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new AdminException(AdminException.Kind.INVALID, "no password on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.INVALID, "cannot read the password: " + e.getMessage());
        }
    }
}
