package io.sluice.benchmarks;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Hands values computed inside a pipeline back to the benchmark's main thread.
 *
 * <p>This works ONLY because every runner benchmarked here (DirectRunner, Flink's embedded
 * "[local]" MiniCluster, SluiceRunner) executes the DoFns in this same JVM and resolves our classes
 * through the application class loader, so the static map written by a worker is the one the main
 * thread reads. On a distributed runner the workers would write into their own JVMs and the main
 * thread would see nothing; a portable pipeline would write to a sink or use metrics instead. We
 * accept the shortcut because a file sink would add I/O that is not part of what we measure.
 *
 * <p>Values are keyed by a run id so warm-up and timed runs can never see each other's results,
 * and accumulated with addition so a value published twice shows up as a wrong result rather
 * than being silently overwritten.
 */
final class InProcessResults {

  private static final ConcurrentHashMap<String, AtomicLong> RESULTS = new ConcurrentHashMap<>();

  private InProcessResults() {}

  static void add(String runId, long delta) {
    RESULTS.computeIfAbsent(runId, id -> new AtomicLong()).addAndGet(delta);
  }

  /** Removes and returns what was published for {@code runId}; empty if nothing was. */
  static OptionalLong take(String runId) {
    AtomicLong value = RESULTS.remove(runId);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value.get());
  }

  /** Adds each input element to the run's result. */
  static final class PublishFn extends DoFn<Long, Void> {
    private final String runId;

    PublishFn(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void processElement(@Element Long value) {
      add(runId, value);
    }
  }
}
