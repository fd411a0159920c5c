package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.auth.PasswordHasher;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.DeliveryStore;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessageBuilder;
import dev.poplar.storage.memory.MemoryMailStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The move's promise about deliveries: once a mailbox is marked and settle() returned, nothing
 * more commits to it on the old node; a commit in flight at the mark finishes before settle
 * returns (so the copy sees it), and a delivery after the mark stores nothing and fails
 * temporarily.
 */
class MoveBarrierTest {
    private final MemoryMailStore store = new MemoryMailStore();
    private final Set<String> moving = ConcurrentHashMap.newKeySet();

    private static Delivery to(String user) {
        return Delivery.of(
                user, "", WireMessageBuilder.fromRaw("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMarkedMailboxTakesNothingAndTheOthersAreUntouched() throws Exception {
        PasswordHasher hasher = new PasswordHasher(1000);
        store.createAccount("alice", hasher.hash("a"));
        store.createAccount("bob", hasher.hash("b"));
        MoveBarrier barrier = new MoveBarrier(store, moving::contains);
        assertInstanceOf(
                DeliveryOutcome.Delivered.class,
                barrier.deliver(List.of(to("alice"))).getFirst());
        moving.add("alice");
        barrier.settle("alice");
        StoreException refused =
                assertThrows(StoreException.class, () -> barrier.deliver(List.of(to("bob"), to("alice"))));
        assertTrue(refused.temporary(), "the MTA retries (451)");
        assertEquals(1, store.stats("alice").messages(), "nothing more for the moving mailbox");
        assertEquals(0, store.stats("bob").messages(), "the transaction stored nothing at all");
        barrier.deliver(List.of(to("bob")));
        assertEquals(1, store.stats("bob").messages());
    }

    @Test
    void settleWaitsForACommitInFlight() throws Exception {
        store.createAccount("alice", new PasswordHasher(1000).hash("a"));
        CountDownLatch committing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DeliveryStore slow = deliveries -> {
            committing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new StoreException("interrupted", true, e);
            }
            return store.deliver(deliveries);
        };
        MoveBarrier barrier = new MoveBarrier(slow, moving::contains);
        Thread delivery = Thread.ofVirtual().start(() -> {
            try {
                barrier.deliver(List.of(to("alice")));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        committing.await();
        moving.add("alice");
        CountDownLatch settled = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            barrier.settle("alice");
            settled.countDown();
        });
        assertFalse(settled.await(300, TimeUnit.MILLISECONDS), "settle must wait for the commit in flight");
        release.countDown();
        assertTrue(settled.await(10, TimeUnit.SECONDS));
        delivery.join();
        assertEquals(1, store.stats("alice").messages(), "the copy after settle sees it");
    }
}
