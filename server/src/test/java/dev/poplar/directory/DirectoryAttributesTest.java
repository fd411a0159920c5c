package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AccountLimits;
import org.junit.jupiter.api.Test;

class DirectoryAttributesTest {
    @Test
    void enabledFlagsInTheFormsDirectoriesHoldThem() {
        for (String yes : new String[] {null, "TRUE", "true", "t", "1", "yes", "active", " Enabled ", ""}) {
            assertTrue(DirectoryAttributes.enabled(yes), String.valueOf(yes));
        }
        for (String no : new String[] {"FALSE", "f", "0", "no", "disabled", "suspended"}) {
            assertFalse(DirectoryAttributes.enabled(no), no);
        }
    }

    @Test
    void limitsAndTheirFallbackToTheDefault() {
        assertEquals(
                new AccountLimits(2L << 30, 500, 90L * 86_400_000), DirectoryAttributes.limits("u", "2G", "500", "90"));
        assertEquals(
                new AccountLimits(1000, 0, 30L * 86_400_000), DirectoryAttributes.limits("u", "1000", "none", "30d"));
        assertEquals(new AccountLimits(0, -1, 0), DirectoryAttributes.limits("u", "none", null, "never"));
        assertEquals(new AccountLimits(0, -1, 0), DirectoryAttributes.limits("u", "0", "", "0"));
        assertEquals(
                AccountLimits.INHERITED,
                DirectoryAttributes.limits("u", "lots", "-5", "forever"),
                "unreadable values: the node's default, not a locked-out user");
    }
}
