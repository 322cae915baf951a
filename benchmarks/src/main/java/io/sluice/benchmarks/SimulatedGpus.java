package io.sluice.benchmarks;

import io.sluice.runner.DeviceContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Logical GPUs for benchmarks: each device runs one batch at a time (a fair semaphore) and counts
 * the time it was busy. A UDF holding a device waits out its batch, as a kernel would keep the
 * device busy while its CPU thread waits. Kept per run id, in this JVM (see InProcessResults).
 *
 * <p>A batch holds its device for its nominal time, not longer: sleeping alone woke 0.1-0.3 ms late
 * per 8 ms batch on the 2-core machine (more when a core was idle), so the devices did 1-4% more
 * work than the physical limit counts. A batch parks until shortly before its end and spins the
 * rest (tens of microseconds), as a CUDA stream synchronisation spins by default.
 */
final class SimulatedGpus {
  private static final ConcurrentHashMap<String, SimulatedGpus> RUNS = new ConcurrentHashMap<>();

  private final Semaphore[] devices;
  private final AtomicLong busyNanos = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicInteger instances = new AtomicInteger();
  private final AtomicLong firstBatchStart = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastBatchEnd = new AtomicLong(Long.MIN_VALUE);
  /** Per device: when its last batch ended, and the idle time between its batches. */
  private final long[] deviceFreeSince;
  private final AtomicLong idleBetweenBatchesNanos = new AtomicLong();
  /** Time batches held their device past their nominal end. */
  private final AtomicLong lateNanos = new AtomicLong();
  /**
   * How long before a batch's end parking stops. A parked thread woke 0.1-0.15 ms late at the median
   * here with both cores busy; a wider margin would take CPU from the CPU stage to spin.
   */
  private static final long WAKE_MARGIN_NANOS = 200_000;

  private SimulatedGpus(int count) {
    devices = new Semaphore[count];
    deviceFreeSince = new long[count];
    for (int d = 0; d < count; d++) {
      devices[d] = new Semaphore(1, true);
    }
  }

  static SimulatedGpus forRun(String runId, int count) {
    return RUNS.computeIfAbsent(runId, id -> new SimulatedGpus(count));
  }

  static SimulatedGpus take(String runId) {
    return RUNS.remove(runId);
  }

  /**
   * The device a new UDF instance uses: the one the runner assigned (SluiceRunner's DeviceContext),
   * else the next in turn, as code that picks a CUDA device by instance would.
   */
  int deviceForNewInstance() {
    DeviceContext context = DeviceContext.current();
    if (context.isAssigned() && !context.deviceIds().isEmpty()) {
      return context.deviceIds().get(0);
    }
    return instances.getAndIncrement() % devices.length;
  }

  /** Holds {@code device} for {@code nanos}, waiting first if another batch is on it. */
  void runBatch(int device, long nanos) throws InterruptedException {
    devices[device].acquire();
    try {
      long start = System.nanoTime();
      if (deviceFreeSince[device] != 0) { // guarded by the device's semaphore
        idleBetweenBatchesNanos.addAndGet(start - deviceFreeSince[device]);
      }
      long end = start + nanos;
      holdUntil(end);
      long finished = System.nanoTime();
      lateNanos.addAndGet(finished - end);
      deviceFreeSince[device] = finished;
      busyNanos.addAndGet(finished - start);
      batches.incrementAndGet();
      firstBatchStart.accumulateAndGet(start, Math::min);
      lastBatchEnd.accumulateAndGet(finished, Math::max);
    } finally {
      devices[device].release();
    }
  }

  private void holdUntil(long end) throws InterruptedException {
    long wakeAt = end - WAKE_MARGIN_NANOS;
    for (long left = wakeAt - System.nanoTime(); left > 0; left = wakeAt - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException("simulated batch interrupted");
      }
    }
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  long busyNanos() {
    return busyNanos.get();
  }

  /** nanoTime when the first batch started. */
  long firstBatchStart() {
    return firstBatchStart.get();
  }

  /** nanoTime when the last batch ended. */
  long lastBatchEnd() {
    return lastBatchEnd.get();
  }

  /** Time devices sat idle between their first and last batch. */
  long idleBetweenBatchesNanos() {
    return idleBetweenBatchesNanos.get();
  }

  /** Time batches held their device past their nominal end, in all. */
  long lateNanos() {
    return lateNanos.get();
  }

  long batches() {
    return batches.get();
  }
}
