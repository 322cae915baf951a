package io.sluice.runner.engine.operator;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets CPU tasks hand their cores, between records, to threads that wait on devices, while those
 * threads hold the run back. A thread that sleeps until its device finishes (a GPU actor) must get a
 * core as soon as it wakes, or the GPU idles. With every core running CPU tasks, Linux let a woken
 * actor wait for the running task's slice to end, up to a scheduler tick: measured here (2 cores,
 * EEVDF, 4 ms ticks), one batch in ten of 8 ms ended 1.5-3.5 ms late, and the GPU waited as long.
 * A task that yields every few hundred microseconds bounds that wait; with no other thread
 * runnable, the yield returns at once.
 *
 * <p>Only while asked: an operator asks while its devices are the bottleneck (every actor busy,
 * the next bundle waiting). When the CPU stages are the bottleneck instead, the devices wait for
 * input anyway, and yielding only slowed the CPU stages (measured: 4-7% longer runs).
 */
public final class CoreYield {
  public static final CoreYield NEVER = new CoreYield(0);

  private final long intervalNanos;
  private final AtomicInteger askers = new AtomicInteger();

  /** @param intervalNanos how long a task runs between yields while asked; 0 never yields */
  public CoreYield(long intervalNanos) {
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("intervalNanos must not be negative, was " + intervalNanos);
    }
    this.intervalNanos = intervalNanos;
  }

  /** One asker more or fewer; each asker calls with true and false in turn. */
  public void ask(boolean asking) {
    if (intervalNanos > 0) {
      askers.addAndGet(asking ? 1 : -1);
    }
  }

  /** Whether tasks yield now. */
  public boolean isAsked() {
    return askers.get() > 0;
  }

  /** Pacing for one task's record loop, starting now. */
  public Pacer pacer() {
    return new Pacer(this);
  }

  /**
   * Counts a task's records and, while asked, yields once the interval has passed. It reads the
   * clock about four times an interval: after every record when records are slow, every thousand
   * when cheap, so that cheap records pay almost nothing for it.
   */
  public static final class Pacer {
    private static final int MAX_STRIDE = 1024;
    private static final int CLOCK_READINGS_PER_INTERVAL = 4;

    private final CoreYield yield;
    private final long intervalNanos;
    private int stride = 1;
    private int sinceClock;
    private long clockNanos;
    private long yieldedNanos;

    private Pacer(CoreYield yield) {
      this.yield = yield;
      this.intervalNanos = yield.intervalNanos;
      if (intervalNanos > 0) {
        clockNanos = yieldedNanos = System.nanoTime();
      }
    }

    /** Call after each record. */
    public void recordDone() {
      if (intervalNanos == 0 || ++sinceClock < stride) {
        return;
      }
      long now = System.nanoTime();
      long perRecord = Math.max(1, (now - clockNanos) / sinceClock);
      stride = (int) Math.max(1, Math.min(MAX_STRIDE, intervalNanos / CLOCK_READINGS_PER_INTERVAL / perRecord));
      sinceClock = 0;
      clockNanos = now;
      if (now - yieldedNanos >= intervalNanos) {
        yieldedNanos = now;
        if (yield.isAsked()) {
          Thread.yield();
          clockNanos = yieldedNanos = System.nanoTime();
        }
      }
    }
  }
}
