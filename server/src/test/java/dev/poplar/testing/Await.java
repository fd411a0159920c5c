package dev.poplar.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition that another process decides (an etcd lease ending, a watch arriving,
 * Postfix delivering) until it holds or a deadline passes: the tests' one way to wait for what
 * they cannot be told about.
 */
public final class Await {
    private Await() {}

    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        until(what, limit, condition, () -> "");
    }

    /** @param context more to say when it times out (a log tail) */
    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> context)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + context.get());
            }
            Thread.sleep(100);
        }
    }
}
