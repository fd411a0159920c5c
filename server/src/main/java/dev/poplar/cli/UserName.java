package dev.poplar.cli;

import picocli.CommandLine.Parameters;

/** The NAME every per-user command takes first. */
final class UserName {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user, as in 'poplar user list'.")
    String name;
}
