package io.sluice.runner.engine.scheduler;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Notices when no operator has made progress for a while and reports why, once per stalled
 * period: a silent hang is the worst failure a batch job can have. Time comes from a clock so tests
 * can fake it.
 */
public final class StallDetector {
  /** Receives the diagnosis of a stall. */
  public interface Listener {
    void stalled(String diagnosis);
  }

  private final LongSupplier nanoClock;
  private final long timeoutNanos;
  private final Listener listener;
  private long lastProgressNanos;

  public StallDetector(LongSupplier nanoClock, long timeoutNanos, Listener listener) {
    if (timeoutNanos <= 0) {
      throw new IllegalArgumentException("stall timeout must be positive, was " + timeoutNanos + " ns");
    }
    this.nanoClock = nanoClock;
    this.timeoutNanos = timeoutNanos;
    this.listener = listener;
    this.lastProgressNanos = nanoClock.getAsLong();
  }

  public void progressed() {
    lastProgressNanos = nanoClock.getAsLong();
  }

  /** Reports a stall if there has been no progress for the timeout; then waits a full timeout again. */
  public void check(Supplier<String> diagnosis) {
    long now = nanoClock.getAsLong();
    long idle = now - lastProgressNanos;
    if (idle >= timeoutNanos) {
      listener.stalled(String.format("no operator has made progress for %.0f s:%n%s", idle / 1e9, diagnosis.get()));
      lastProgressNanos = now;
    }
  }
}
