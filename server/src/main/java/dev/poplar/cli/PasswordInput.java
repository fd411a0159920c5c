package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import picocli.CommandLine.Option;

/** Where a new password comes from: the terminal (asked twice), or standard input with --password-stdin. */
final class PasswordInput {
    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean stdin;

    String read() throws AdminException {
        return Passwords.read(stdin);
    }
}
