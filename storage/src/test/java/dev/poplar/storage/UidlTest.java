package dev.poplar.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UidlTest {
    @Test
    void pairsThatConcatenateAlikeStillDiffer() {
        assertNotEquals(Uidl.of(1, 23), Uidl.of(12, 3));
    }

    @Test
    void largestValuesStayValid() {
        assertTrue(Uidl.isValid(Uidl.of(Long.MAX_VALUE, Long.MAX_VALUE)));
        assertTrue(Uidl.isValid(Uidl.of(System.currentTimeMillis(), 1)));
    }

    @Test
    void validityFollowsRfc1939Section7() {
        assertFalse(Uidl.isValid(""));
        assertFalse(Uidl.isValid("a b"));
        assertFalse(Uidl.isValid("x".repeat(71)));
        assertTrue(Uidl.isValid("x".repeat(70)));
    }
}
