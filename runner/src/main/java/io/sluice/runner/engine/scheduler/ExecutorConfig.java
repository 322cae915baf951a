package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How an executor runs: the resources its tasks may hold at once, the backpressure policies every
 * dispatch must pass, where blocks spill when memory runs short anyway, and the bytes blocks may
 * hold off the heap (Arrow buffers), beside the heap budget in {@code limits}.
 */
public record ExecutorConfig(
    ExecutionResources limits,
    int workerThreads,
    List<BackpressurePolicy> policies,
    String threadNamePrefix,
    StallWatch stallWatch,
    ProgressWatch progressWatch,
    Path spillDirectory,
    long offHeapBytes) {
  /** How often progress is reported, and to whom; an interval of 0 reports nothing. */
  public record ProgressWatch(long intervalNanos, ProgressReporter.Listener listener) {
    public static final ProgressWatch NONE = new ProgressWatch(0, report -> {});
  }

  /** How stalls are noticed: the clock, how long without progress counts, and who hears of it. */
  public record StallWatch(LongSupplier nanoClock, long timeoutNanos, StallDetector.Listener listener) {
    /** Real time, 60 s, the given listener. */
    public static StallWatch defaults(StallDetector.Listener listener) {
      return new StallWatch(System::nanoTime, 60_000_000_000L, listener);
    }
  }

  public ExecutorConfig {
    if (workerThreads < 1) {
      throw new IllegalArgumentException("at least one worker thread is needed, was " + workerThreads);
    }
    policies = List.copyOf(policies);
    if (offHeapBytes < 0) {
      throw new IllegalArgumentException("the off-heap budget must be 0 or more bytes, was " + offHeapBytes);
    }
  }

  /** With no off-heap budget of its own: blocks off the heap are bounded by the other policies only. */
  public ExecutorConfig(ExecutionResources limits, int workerThreads, List<BackpressurePolicy> policies,
      String threadNamePrefix, StallWatch stallWatch, ProgressWatch progressWatch, Path spillDirectory) {
    this(limits, workerThreads, policies, threadNamePrefix, stallWatch, progressWatch, spillDirectory, Long.MAX_VALUE);
  }

  public ExecutorConfig(ExecutionResources limits, int workerThreads, List<BackpressurePolicy> policies,
      String threadNamePrefix) {
    this(limits, workerThreads, policies, threadNamePrefix, StallWatch.defaults(diagnosis -> {}), ProgressWatch.NONE,
        defaultSpillDirectory());
  }

  /** One worker thread per whole CPU of the limits (at least one). */
  public ExecutorConfig(ExecutionResources limits, List<BackpressurePolicy> policies, String threadNamePrefix) {
    this(limits, threadsFor(limits), policies, threadNamePrefix);
  }

  /** java.io.tmpdir: where spill directories go unless a run says otherwise. */
  public static Path defaultSpillDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static int threadsFor(ExecutionResources limits) {
    if (limits.cpus() < 1) {
      throw new IllegalArgumentException("at least one CPU is needed, limits were " + limits);
    }
    return (int) Math.ceil(limits.cpus());
  }
}
