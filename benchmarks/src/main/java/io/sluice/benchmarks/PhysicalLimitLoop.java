package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.KV;

/**
 * The same work as {@link ThroughputPipeline} on plain threads with no framework: the "physical
 * limit" that tells us how much of a runner's wall time is overhead rather than user work.
 *
 * <p>It still builds the same strings and {@code KV}s and aggregates into a {@code HashMap} keyed by
 * {@code String}, so it is a fair floor, not an idealised one (an int-indexed array would be faster
 * but would skip work every runner must do).
 */
final class PhysicalLimitLoop {

  private PhysicalLimitLoop() {}

  /** Returns the checksum of {@code records} records, computed on {@code threads} threads. */
  static long checksum(long records, int threads) throws InterruptedException {
    List<Map<String, Long>> partials = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long from = records * t / threads;
      long to = records * (t + 1) / threads;
      Map<String, Long> partial = new HashMap<>();
      partials.add(partial);
      // Each thread owns its map; Thread.join() makes the writes visible to us afterwards.
      Thread worker = new Thread(() -> sumRange(from, to, partial), "physical-limit-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    Map<String, Long> totals = new HashMap<>();
    partials.forEach(partial -> partial.forEach((k, v) -> totals.merge(k, v, Long::sum)));
    long checksum = 0;
    for (Map.Entry<String, Long> e : totals.entrySet()) {
      checksum += SyntheticRecords.mix(e.getKey(), e.getValue());
    }
    return checksum;
  }

  private static void sumRange(long from, long to, Map<String, Long> sums) {
    for (long i = from; i < to; i++) {
      KV<String, Long> kv = SyntheticRecords.parse(SyntheticRecords.format(i));
      if (SyntheticRecords.keep(kv.getValue())) {
        sums.merge(kv.getKey(), kv.getValue(), Long::sum);
      }
    }
  }
}
