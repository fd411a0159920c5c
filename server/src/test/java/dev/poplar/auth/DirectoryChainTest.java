package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.DirectoryException;
import dev.poplar.directory.DirectoryMailboxes;
import dev.poplar.directory.DirectoryUser;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.Verdict;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.memory.MemoryMailStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chain's rules against a reference directory (a map the test fills): the first directory
 * that has a user decides, an outage never falls through, directory users get a marked mailbox
 * with the directory's limits, and SCRAM is offered only when every user can use it.
 */
class DirectoryChainTest {
    static final class Remote implements UserDirectory {
        final Map<String, String> passwords = new HashMap<>();
        final Map<String, AccountLimits> limits = new HashMap<>();
        boolean down;

        @Override
        public String name() {
            return "ldap";
        }

        private DirectoryUser user(String login) {
            return new DirectoryUser(login, true, limits.getOrDefault(login, AccountLimits.INHERITED));
        }

        @Override
        public Optional<DirectoryUser> find(String login) throws DirectoryException {
            if (down) {
                throw new DirectoryException("ldap", "down");
            }
            return passwords.containsKey(login) ? Optional.of(user(login)) : Optional.empty();
        }

        @Override
        public Verdict verify(String login, String password) throws DirectoryException {
            if (down) {
                throw new DirectoryException("ldap", "down");
            }
            if (!passwords.containsKey(login)) {
                return Verdict.UNKNOWN;
            }
            return passwords.get(login).equals(password)
                    ? new Verdict.Accepted(user(login))
                    : new Verdict.Rejected("bad credentials");
        }
    }

    final MemoryMailStore store = new MemoryMailStore();
    final PasswordHasher hasher = new PasswordHasher(1000);
    final Remote ldap = new Remote();

    Authenticator chain(String... order) {
        return new Authenticator(
                store,
                hasher,
                new byte[32],
                true,
                CredentialCache.off(),
                new HashingGate(2),
                List.of(order),
                Map.of("ldap", ldap));
    }

    @Test
    void theFirstDirectoryThatHasTheUserDecides() throws Exception {
        store.createAccount("ann", hasher.hash("local-pw"));
        ldap.passwords.put("ann", "ldap-pw");
        Authenticator internalFirst = chain("internal", "ldap");
        assertEquals(Optional.of("ann"), internalFirst.authenticate("ann", "local-pw"));
        assertEquals(Optional.empty(), internalFirst.authenticate("ann", "ldap-pw"), "a wrong password is final");
        Authenticator ldapFirst = chain("ldap", "internal");
        assertEquals(Optional.of("ann"), ldapFirst.authenticate("ann", "ldap-pw"));
        assertEquals(Optional.empty(), ldapFirst.authenticate("ann", "local-pw"));
    }

    @Test
    void aDirectoryUserGetsAMarkedMailboxWithItsLimits() throws Exception {
        ldap.passwords.put("bob", "pw");
        ldap.limits.put("bob", new AccountLimits(1000, AccountLimits.INHERIT, AccountLimits.INHERIT));
        Authenticator a = chain("internal", "ldap");
        assertEquals(Optional.of("bob"), a.authenticate("BOB", "pw"));
        var bob = store.account("bob").orElseThrow();
        assertTrue(DirectoryMailboxes.isDirectoryMailbox(bob));
        assertEquals(1000, bob.limits().maxOctets());
        // The mailbox is not an internal user: LDAP goes on deciding, and its limits follow LDAP's.
        assertEquals(Optional.empty(), a.authenticate("bob", "anything"));
        ldap.limits.remove("bob");
        assertEquals(Optional.of("bob"), a.authenticate("bob", "pw"));
        assertEquals(AccountLimits.INHERITED, store.account("bob").orElseThrow().limits());
        // A user gone from the directory: no login, and LMTP does not find it.
        ldap.passwords.remove("bob");
        assertEquals(Optional.empty(), a.authenticate("bob", "pw"));
        assertEquals(Optional.empty(), a.existing("bob"));
    }

    @Test
    void anInternalAccountUsedAsADirectoryUsersMailboxKeepsWhatTheDirectoryDoesNotSay() throws Exception {
        store.createAccount("eve", hasher.hash("local-pw"));
        store.setLimits("eve", new AccountLimits(100, 5, AccountLimits.INHERIT));
        ldap.passwords.put("eve", "pw");
        ldap.limits.put("eve", new AccountLimits(AccountLimits.INHERIT, 7, 86_400_000L));
        assertEquals(Optional.of("eve"), chain("ldap").authenticate("eve", "pw"));
        var eve = store.account("eve").orElseThrow();
        assertEquals(new AccountLimits(100, 7, 86_400_000L), eve.limits());
        assertFalse(DirectoryMailboxes.isDirectoryMailbox(eve), "still an internal account");
    }

    @Test
    void lmtpLookupsCreateTheMailboxToo() throws Exception {
        ldap.passwords.put("cy", "pw");
        Authenticator a = chain("internal", "ldap");
        assertEquals(Optional.of("cy"), a.existing("cy"));
        assertTrue(store.account("cy").isPresent());
        assertEquals(Optional.empty(), a.existing("nobody"));
        assertTrue(store.account("nobody").isEmpty());
    }

    @Test
    void anOutageNeverFallsThrough() throws Exception {
        store.createAccount("local", hasher.hash("pw"));
        ldap.down = true;
        Authenticator internalFirst = chain("internal", "ldap");
        assertEquals(Optional.of("local"), internalFirst.authenticate("local", "pw"), "decided before LDAP");
        assertThrows(DirectoryException.class, () -> internalFirst.authenticate("remote", "pw"));
        assertThrows(DirectoryException.class, () -> internalFirst.existing("remote"));
        Authenticator ldapFirst = chain("ldap", "internal");
        assertThrows(
                DirectoryException.class,
                () -> ldapFirst.authenticate("local", "pw"),
                "LDAP might have 'local' too: the store must not answer for it");
    }

    @Test
    void scramIsForChainsOfTheStoreAlone() {
        assertTrue(chain("internal").scramForEveryone());
        assertFalse(chain("internal", "ldap").scramForEveryone());
        assertFalse(chain("ldap").scramForEveryone());
    }

    @Test
    void namesADirectoryCouldMisreadNeverReachIt() throws Exception {
        ldap.passwords.put("*", "pw");
        Authenticator a = chain("ldap");
        assertEquals(Optional.empty(), a.authenticate("*", "pw"));
        assertEquals(Optional.empty(), a.existing("*"));
    }
}
