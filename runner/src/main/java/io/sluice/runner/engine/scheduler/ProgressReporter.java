package io.sluice.runner.engine.scheduler;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reports progress at a fixed interval while a run lasts, like Ray Data's per-operator progress
 * bars: short runs print nothing, long ones say every so often where each operator stands.
 */
public final class ProgressReporter {
  /** Receives a progress report. */
  public interface Listener {
    void progress(String report);
  }

  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final Listener listener;
  private long nextReportNanos;

  /** @param intervalNanos 0 or less disables reporting */
  public ProgressReporter(LongSupplier nanoClock, long intervalNanos, Listener listener) {
    this.nanoClock = nanoClock;
    this.intervalNanos = intervalNanos;
    this.listener = listener;
    this.nextReportNanos = nanoClock.getAsLong() + intervalNanos;
  }

  public void maybeReport(Supplier<String> report) {
    if (intervalNanos <= 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (now >= nextReportNanos) {
      listener.progress(report.get());
      nextReportNanos = now + intervalNanos;
    }
  }
}
