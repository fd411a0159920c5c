package dev.poplar.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The SPI's value rules at their boundaries: names, UIDLs, expunge criteria, credentials, leases, pools. */
class StoreValuesTest {

    @Test
    void accountNamesAreOneTo255OctetsOfAFixedAlphabetLowerCased() {
        assertEquals("a", AccountNames.normalize("A"));
        assertEquals("x".repeat(255), AccountNames.normalize("X".repeat(255)));
        assertThrows(IllegalArgumentException.class, () -> AccountNames.normalize("x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> AccountNames.normalize(""));
        assertThrows(IllegalArgumentException.class, () -> AccountNames.normalize(null));
        assertEquals("az.zaz09_-+@=", AccountNames.normalize("aZ.ZaZ09_-+@="));
        for (char c : new char[] {'`', '{', '@' - 1, '[', '/', ':', ' ', '\u00e9', '\u0000', '~'}) {
            String name = "a" + c;
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> AccountNames.normalize(name), name);
            assertTrue(
                    e.getMessage().contains(c < 0x21 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'"),
                    e.getMessage());
        }
        assertTrue(AccountNames.isValid("bob"));
        assertFalse(AccountNames.isValid("bo b"));
    }

    @Test
    void uidlsAreOneToSeventyPrintableCharacters() {
        assertTrue(Uidl.isValid("!"));
        assertTrue(Uidl.isValid("~"));
        assertTrue(Uidl.isValid("x".repeat(70)));
        assertFalse(Uidl.isValid("x".repeat(71)));
        assertFalse(Uidl.isValid(" "));
        assertFalse(Uidl.isValid("\u007f"));
        assertFalse(Uidl.isValid(""));
        assertFalse(Uidl.isValid(null));
    }

    @Test
    void aKeptUidlOfTheMailboxsOwnFormReservesItsUid() {
        long epoch = 1_700_000_000_000L;
        String prefix = Long.toString(epoch, 36) + ".";
        assertEquals(8, Uidl.uidAfterOwn(epoch, prefix + "7"));
        assertEquals(1_000_000_000_000_000_000L, Uidl.uidAfterOwn(epoch, prefix + "999999999999999999"), "18 digits");
        assertEquals(0, Uidl.uidAfterOwn(epoch, prefix + "1000000000000000000"), "19 digits: not ours");
        assertEquals(0, Uidl.uidAfterOwn(epoch, prefix), "no digits");
        assertEquals(0, Uidl.uidAfterOwn(epoch, prefix + "7a"));
        assertEquals(0, Uidl.uidAfterOwn(epoch + 1, prefix + "7"), "another mailbox's epoch");
        assertEquals(Uidl.of(epoch, 7), prefix + "7");
    }

    @Test
    void expungeCriteriaAreStrictAtTheirLimits() {
        long cut = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        ExpungeCriteria before = new ExpungeCriteria(
                false, OptionalLong.empty(), Optional.of(Instant.ofEpochMilli(cut)), OptionalLong.empty());
        assertTrue(before.matches(1, cut - 1, 10));
        assertFalse(before.matches(1, cut, 10), "received at the instant: not before it");
        ExpungeCriteria larger =
                new ExpungeCriteria(false, OptionalLong.empty(), Optional.empty(), OptionalLong.of(100));
        assertTrue(larger.matches(1, 0, 101));
        assertFalse(larger.matches(1, 0, 100), "exactly the size: not larger");
        ExpungeCriteria uid = new ExpungeCriteria(false, OptionalLong.of(5), Optional.empty(), OptionalLong.empty());
        assertTrue(uid.matches(5, 0, 0));
        assertFalse(uid.matches(6, 0, 0));
        assertTrue(ExpungeCriteria.everything().matches(9, 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ExpungeCriteria(false, OptionalLong.empty(), Optional.empty(), OptionalLong.empty()));
    }

    @Test
    void credentialsCompareByValueAndNeverPrintTheirSecrets() {
        PasswordCredentials a = new PasswordCredentials(2, new byte[] {1}, new byte[] {2}, new byte[] {3});
        assertEquals(a, new PasswordCredentials(2, new byte[] {1}, new byte[] {2}, new byte[] {3}));
        assertEquals(
                a.hashCode(), new PasswordCredentials(2, new byte[] {1}, new byte[] {2}, new byte[] {3}).hashCode());
        assertNotEquals(a, new PasswordCredentials(3, new byte[] {1}, new byte[] {2}, new byte[] {3}));
        assertNotEquals(a, new PasswordCredentials(2, new byte[] {9}, new byte[] {2}, new byte[] {3}));
        assertNotEquals(a, new PasswordCredentials(2, new byte[] {1}, new byte[] {9}, new byte[] {3}));
        assertNotEquals(a, new PasswordCredentials(2, new byte[] {1}, new byte[] {2}, new byte[] {9}));
        assertNotEquals(a, "not credentials");
        assertEquals("PasswordCredentials[iterations=2, secrets hidden]", a.toString());
        byte[] salt = a.salt();
        salt[0] = 42;
        assertArrayEquals(new byte[] {1}, a.salt(), "a copy: the record cannot be changed through it");
        assertThrows(
                IllegalArgumentException.class,
                () -> new PasswordCredentials(0, new byte[0], new byte[0], new byte[0]));
    }

    @Test
    void storeErrorsSayWhetherARetryCanWork() {
        assertTrue(new StoreException("busy", true).temporary());
        assertFalse(new StoreException("corrupt", false).temporary());
        StoreException full = StoreException.diskFull("no space", null);
        assertTrue(full.diskFull());
        assertTrue(full.temporary(), "space can be freed: retry later");
        assertFalse(new StoreException("busy", true).diskFull());
        assertTrue(new MaildropInUseException("x").temporary());
        assertFalse(new NoSuchAccountException("x").temporary());
    }

    @Test
    void sharedLeasesAreCountedAndAnExclusiveOneWaitsForTheLast() throws StoreException {
        MaildropLeases leases = new MaildropLeases();
        leases.acquire(1, "a", LockPolicy.SHARED);
        leases.acquire(1, "a", LockPolicy.SHARED);
        leases.acquire(1, "a", LockPolicy.SHARED);
        leases.release(1);
        leases.release(1);
        assertThrows(
                MaildropInUseException.class, () -> leases.acquire(1, "a", LockPolicy.EXCLUSIVE), "one still holds it");
        leases.release(1);
        leases.acquire(1, "a", LockPolicy.EXCLUSIVE);
        assertThrows(MaildropInUseException.class, () -> leases.acquire(1, "a", LockPolicy.SHARED));
        leases.acquire(2, "b", LockPolicy.EXCLUSIVE);
        leases.release(1);
        leases.acquire(1, "a", LockPolicy.SHARED);
    }

    @Test
    void aPoolHandsOutBuffersOfItsSizeAndKeepsAtMostItsMaximum() {
        BufferPool pool = new BufferPool(8, 2);
        assertEquals(8, pool.size());
        byte[] a = pool.borrow();
        byte[] b = pool.borrow();
        byte[] c = pool.borrow();
        assertEquals(8, a.length);
        pool.release(a);
        pool.release(b);
        pool.release(c); // over the maximum: dropped
        assertSame(b, pool.borrow(), "the most recently released first");
        assertSame(a, pool.borrow());
        assertNotSame(c, pool.borrow(), "the third was not kept");
        assertThrows(IllegalArgumentException.class, () -> pool.release(new byte[7]));
    }

    @Test
    void aListingKnowsItsOverridesItsPrefixAndItsEpoch() {
        MessageListing l = new MessageListing(
                36,
                new long[] {1, 2},
                new long[] {10, 20},
                new long[] {11, 21},
                new long[] {5, 6},
                Map.of(2L, "kept-uidl"));
        assertEquals(36, l.epoch());
        assertArrayEquals("10.".getBytes(StandardCharsets.US_ASCII), l.uidlPrefix());
        assertFalse(l.hasUidlOverride(0));
        assertTrue(l.hasUidlOverride(1));
        assertEquals("10.1", l.uidl(0));
        assertEquals("kept-uidl", l.uidl(1));
        assertEquals(30, l.totalOctets());
        MessageListing none =
                new MessageListing(36, new long[] {1}, new long[] {1}, new long[] {1}, new long[] {1}, Map.of());
        assertFalse(none.hasUidlOverride(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new MessageListing(1, new long[] {1}, new long[0], new long[] {1}, new long[] {1}, Map.of()));
    }

    /** The chunking of WireMessage: every chunk full but the last, whatever the sizes of the pieces. */
    @Test
    void prefixedMessagesAreChunkedExactlyAtEveryBoundary() {
        int chunk = WireMessage.CHUNK_SIZE;
        for (int size : new int[] {1, 255, 256, 257, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 5}) {
            for (int prefixLength : new int[] {2, 300, chunk - 2, chunk, chunk + 3}) {
                byte[] raw = new byte[size];
                for (int i = 0; i < size; i++) {
                    raw[i] = (byte) ('a' + i % 26);
                }
                WireMessage m = WireMessageBuilder.fromRaw(raw);
                byte[] prefix = new byte[prefixLength];
                java.util.Arrays.fill(prefix, (byte) 'X');
                prefix[prefixLength - 2] = '\r';
                prefix[prefixLength - 1] = '\n';
                WireMessage p = m.withPrefix(prefix);
                byte[] expected = new byte[prefixLength + (int) m.wireLength()];
                System.arraycopy(prefix, 0, expected, 0, prefixLength);
                System.arraycopy(m.toByteArray(), 0, expected, prefixLength, (int) m.wireLength());
                String what = size + " + " + prefixLength;
                assertArrayEquals(expected, p.toByteArray(), what);
                assertEquals(m.octets() + prefixLength, p.octets(), what);
                assertEquals(m.headerWireLength() + prefixLength, p.headerWireLength(), what);
                assertEquals((expected.length + chunk - 1) / chunk, p.chunkCount(), what);
                for (int c = 0; c < p.chunkCount() - 1; c++) {
                    assertEquals(chunk, p.chunks().get(c).length, what + " chunk " + c);
                }
                assertEquals(expected.length - (p.chunkCount() - 1) * chunk, p.chunkLength(p.chunkCount() - 1), what);
            }
        }
        WireMessage m = WireMessageBuilder.fromRaw("a\r\n".getBytes(StandardCharsets.US_ASCII));
        assertSame(m, m.withPrefix(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> m.withPrefix(".x\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> m.withPrefix("x".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void accountLimitsInheritAdmitAndMeasure() {
        AccountLimits node = new AccountLimits(1000, 10, 7);
        AccountLimits own = new AccountLimits(AccountLimits.INHERIT, 3, AccountLimits.UNLIMITED);
        assertEquals(new AccountLimits(1000, 3, 0), own.over(node));
        assertTrue(AccountLimits.INHERITED.inheritsAll());
        assertFalse(own.inheritsAll());
        assertFalse(new AccountLimits(-1, -1, 0).inheritsAll());
        assertFalse(new AccountLimits(5, -1, -1).inheritsAll());
        AccountLimits l = own.over(node);
        assertTrue(l.admits(2, 500, 500), "exactly to the limit");
        assertFalse(l.admits(2, 500, 501), "one octet over");
        assertFalse(l.admits(3, 0, 1), "the message limit");
        assertTrue(AccountLimits.NONE.admits(Long.MAX_VALUE - 1, 0, 1 << 30));
        assertTrue(l.quotaLimited());
        assertTrue(new AccountLimits(0, 1, 0).quotaLimited());
        assertFalse(AccountLimits.NONE.quotaLimited());
        assertNull(AccountLimits.NONE.retention());
        assertEquals(java.time.Duration.ofMillis(7), node.retention());
        assertThrows(IllegalArgumentException.class, () -> new AccountLimits(-2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new AccountLimits(0, -2, 0));
        assertThrows(IllegalArgumentException.class, () -> new AccountLimits(0, 0, -2));
        MailboxStats s = new MailboxStats("a", 2, 250, 3, 1, own).resolved(node);
        assertEquals(2.0 / 3, s.quotaUsed(), 1e-9, "the fuller of the two");
        assertEquals(
                0.25,
                new MailboxStats("b", 2, 250, 3, 1)
                        .resolved(new AccountLimits(1000, 100, 0))
                        .quotaUsed(),
                1e-9);
        assertEquals(
                0,
                new MailboxStats("c", 2, 250, 3, 1).resolved(AccountLimits.NONE).quotaUsed());
    }
}
