package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What a benchmark's simulated CPU work costs on this machine with no framework: {@code units}
 * spins of {@code micros} each, shared among {@code threads} threads.
 *
 * <p>The physical limits count each spin at its nominal time, but a spin that waits for a clock
 * deadline ends late whenever the virtual CPU is paused across its end. On the 2-core VM where the
 * figures were taken a single spinning thread saw pauses of over 5 µs for 6-8% of its time, and
 * 100,000 spins of 20 µs on each of two threads took 2.10-2.15 s instead of 2.00 s (spins of 200 µs:
 * 2.02-2.03 s). Benchmarks print this floor beside their limit, measured in the same JVM, so a
 * reader can tell the machine's share of a ratio from the runner's.
 */
final class SpinFloor {
  private SpinFloor() {}

  /** Wall seconds for {@code units} calls of {@code spin.accept(micros)} on {@code threads} threads. */
  static double seconds(long units, long micros, int threads, LongConsumer spin) throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long share = units / threads + (t < units % threads ? 1 : 0);
      workers.add(new Thread(() -> {
        for (long i = 0; i < share; i++) {
          spin.accept(micros);
        }
      }, "spin-floor-" + t));
    }
    long start = System.nanoTime();
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join();
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
