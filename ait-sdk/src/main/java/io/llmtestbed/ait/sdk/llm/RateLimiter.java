package io.llmtestbed.ait.sdk.llm;

/**
 * Spaces starts evenly: at most {@code perSecond} per second, no bursts (each start takes the
 * next free slot, 1/perSecond after the previous one). Thread-safe; waiting happens outside the
 * lock.
 */
final class RateLimiter {

    private final long intervalNanos;
    private long nextSlot;

    RateLimiter(double perSecond) {
        this.intervalNanos = (long) Math.ceil(1_000_000_000d / perSecond);
        this.nextSlot = System.nanoTime();
    }

    /** Waits for the next slot. */
    void acquire() throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
