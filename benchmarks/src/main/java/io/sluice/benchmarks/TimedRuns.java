package io.sluice.benchmarks;

import io.sluice.runner.SluicePipelineResult;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/** Timing helpers shared by the benchmarks. */
final class TimedRuns {

  private TimedRuns() {}

  /** When a timed run started ({@code System.nanoTime()}) and how long it took. */
  record Timed(long startNanos, long nanos) {}

  /**
   * Runs {@code pipeline} to completion and returns the elapsed nanoseconds from {@code run()} until
   * {@code waitUntilFinish()} returns. Both calls are inside the window because some runners
   * (DirectRunner, Flink attached mode) do all their work inside {@code run()} and others return
   * immediately; only the sum is comparable across runners.
   */
  static long runToDone(Pipeline pipeline) {
    return timeToDone(pipeline).nanos();
  }

  /**
   * {@link #runToDone}, also saying when the run started. With {@code -Dsluice.stats=true}, prints
   * SluiceRunner's per-operator stats after each run.
   */
  static Timed timeToDone(Pipeline pipeline) {
    settleHeap();
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    long elapsed = System.nanoTime() - start;
    if (result instanceof SluicePipelineResult sluice && Boolean.getBoolean("sluice.stats")) {
      System.out.println(sluice.stats());
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Pipeline finished in state " + state + ", expected DONE");
    }
    return new Timed(start, elapsed);
  }

  /**
   * Asks for a full GC before a timed section so garbage left by the previous runner is less
   * likely to be collected on the next runner's clock. Best effort only: it reduces, not removes,
   * cross-run interference.
   */
  static void settleHeap() {
    System.gc();
  }

  static long median(long[] nanos) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
