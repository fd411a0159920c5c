package dev.poplar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AccountLimits;
import org.junit.jupiter.api.Test;

/** The operator's words for quotas and retention, at their edges. */
class LimitSyntaxTest {
    private static final long DAY = 86_400_000L;

    @Test
    void quotaSizes() {
        assertEquals(AccountLimits.INHERIT, LimitSyntax.quotaSize(" Default "));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.quotaSize("0"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.quotaSize("none"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.quotaSize("unlimited"));
        assertEquals(1000, LimitSyntax.quotaSize("1000"));
        assertEquals(512L << 10, LimitSyntax.quotaSize("512k"));
        assertEquals(2L << 20, LimitSyntax.quotaSize("2M"));
        assertEquals(3L << 30, LimitSyntax.quotaSize("3G"));
        assertEquals(5L << 40, LimitSyntax.quotaSize("5T"));
        assertEquals(1L << 50, LimitSyntax.quotaSize("1024T"), "the largest");
        for (String bad : new String[] {"-5", "1025T", "1P", "2 G", "", "x", "99999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimitSyntax.quotaSize(bad));
            assertTrue(
                    e.getMessage().contains("'" + bad + "'") || e.getMessage().contains("at most"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSyntax.quotaSize("1025T"))
                .getMessage()
                .contains("at most 1024T"));
    }

    @Test
    void messageCounts() {
        assertEquals(AccountLimits.INHERIT, LimitSyntax.quotaMessages("default"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.quotaMessages("none"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.quotaMessages("unlimited"));
        assertEquals(0, LimitSyntax.quotaMessages("0"));
        assertEquals(1_000_000_000L, LimitSyntax.quotaMessages("1000000000"));
        for (String bad : new String[] {"1000000001", "-1", "1e3", "lots", "", "12345678901"}) {
            assertThrows(IllegalArgumentException.class, () -> LimitSyntax.quotaMessages(bad), bad);
        }
    }

    @Test
    void retentions() {
        assertEquals(AccountLimits.INHERIT, LimitSyntax.retention("default"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.retention("never"));
        assertEquals(AccountLimits.UNLIMITED, LimitSyntax.retention("0"));
        assertEquals(DAY, LimitSyntax.retention("1d"));
        assertEquals(90 * DAY, LimitSyntax.retention(" 90D "));
        assertEquals(36_600 * DAY, LimitSyntax.retention("36600d"));
        for (String bad : new String[] {"0d", "36601d", "-1d", "12h", "90", "d", "1234567d"}) {
            assertThrows(IllegalArgumentException.class, () -> LimitSyntax.retention(bad), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSyntax.retention("36601d"))
                .getMessage()
                .contains("at most 36600d"));
    }

    @Test
    void valuesAreDescribedAsTheyAreWritten() {
        assertEquals("default", LimitSyntax.describeSize(AccountLimits.INHERIT));
        assertEquals("none", LimitSyntax.describeSize(AccountLimits.UNLIMITED));
        assertEquals("1000", LimitSyntax.describeSize(1000));
        assertEquals("1K", LimitSyntax.describeSize(1024));
        assertEquals("1536K", LimitSyntax.describeSize(1536 << 10));
        assertEquals("3M", LimitSyntax.describeSize(3L << 20));
        assertEquals("2G", LimitSyntax.describeSize(2L << 30));
        assertEquals("5T", LimitSyntax.describeSize(5L << 40));
        assertEquals("default", LimitSyntax.describeMessages(AccountLimits.INHERIT));
        assertEquals("none", LimitSyntax.describeMessages(AccountLimits.UNLIMITED));
        assertEquals("42", LimitSyntax.describeMessages(42));
        assertEquals("default", LimitSyntax.describeRetention(AccountLimits.INHERIT));
        assertEquals("never", LimitSyntax.describeRetention(AccountLimits.UNLIMITED));
        assertEquals("90d", LimitSyntax.describeRetention(90 * DAY));
        for (String s : new String[] {"1K", "1536K", "3M", "2G", "5T", "1000"}) {
            assertEquals(s, LimitSyntax.describeSize(LimitSyntax.quotaSize(s)), "round trip");
        }
    }
}
