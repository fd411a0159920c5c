package dev.poplar.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** LOGIN-DELAY at scale: no O(users) work per login, and memory bounded by the window. */
class LoginDelayTest {
    @Test
    void aLoginDoesNotSweepAllUsersEachTime() {
        AtomicLong now = new AtomicLong(1_000_000);
        LoginDelay d = new LoginDelay(Duration.ofMinutes(15), now::get);
        for (int i = 0; i < 150_000; i++) {
            d.tryLogin("user" + i);
            now.addAndGet(1); // 150,000 logins within 2.5 minutes
        }
        assertTrue(d.sweeps() <= 2, "sweeps of the whole map: " + d.sweeps());
        assertFalse(d.tryLogin("user7"), "still within the delay");
        now.addAndGet(Duration.ofMinutes(16).toMillis());
        assertTrue(d.tryLogin("user7"), "after the delay");
        assertEquals(1, d.remembered(), "expired entries were swept once the window passed");
    }
}
