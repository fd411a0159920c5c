package dev.poplar.directory;

/** A directory's answer to "is this the user's password". */
public sealed interface Verdict {
    /** The directory does not have this user: the next directory of the chain is asked. */
    record Unknown() implements Verdict {}

    /** The directory has the user and refuses the login (wrong password, disabled account). */
    record Rejected(String reason) implements Verdict {}

    /** The password is right and the account enabled. */
    record Accepted(DirectoryUser user) implements Verdict {}

    Verdict UNKNOWN = new Unknown();
}
