package dev.poplar.directory;

import dev.poplar.storage.AccountLimits;

/**
 * A user as a directory describes it.
 *
 * @param name    the account name Poplar uses (its mailbox, logs, the admin API): the directory's
 *                name attribute when one is configured, else the login name, normalised
 * @param enabled false when the directory says the account may not log in (mail is still
 *                delivered: a suspended account does not bounce its mail, as with Dovecot)
 * @param limits  quota and retention from the directory; {@link AccountLimits#INHERIT} where it
 *                has none
 */
public record DirectoryUser(String name, boolean enabled, AccountLimits limits) {
    public static DirectoryUser enabled(String name) {
        return new DirectoryUser(name, true, AccountLimits.INHERITED);
    }
}
