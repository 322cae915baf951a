package io.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * How much heap a run kept. {@link #peakAfterGcBytes()}: the largest occupancy right after any
 * collection, over every collection while watching; with G1 that still counts old-generation
 * garbage no mixed collection has reclaimed yet. With {@code forceFullGcEveryMillis > 0} a thread
 * also forces a full collection at that interval and records what survives it ({@link
 * #peakLiveBytes()}): the data the run really held, at the price of pauses, so only for untimed runs.
 * What survives is taken from the collection's own after-GC figures, not read from the heap once
 * {@code System.gc()} has returned: by then the run has allocated again (at 1 GB/s, with a fast
 * consumer, a read after the call counted up to 100 MiB of new garbage as live).
 */
final class HeapWatch implements AutoCloseable {
  private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP)
      .map(MemoryPoolMXBean::getName)
      .collect(Collectors.toUnmodifiableSet());
  private static final String EXPLICIT_GC_CAUSE = "System.gc()";
  /** How long the prober waits for a forced collection's notification before forcing the next. */
  private static final long NOTIFICATION_WAIT_MILLIS = 1_000;
  private final AtomicLong peakLive = new AtomicLong();
  private final AtomicLong forcedSeen = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = 0;
      // The figures cover every pool, metaspace and code cache too (about 40 MiB here): heap only.
      for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (HEAP_POOLS.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      peakAfterGc.accumulateAndGet(used, Math::max);
      collections.incrementAndGet();
      if (EXPLICIT_GC_CAUSE.equals(info.getGcCause())) {
        peakLive.accumulateAndGet(used, Math::max);
        synchronized (forcedSeen) {
          forcedSeen.incrementAndGet();
          forcedSeen.notifyAll();
        }
      }
    }
  };

  private final Thread prober;
  private volatile boolean probing = true;

  HeapWatch() {
    this(0);
  }

  HeapWatch(long forceFullGcEveryMillis) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    if (forceFullGcEveryMillis > 0) {
      prober = new Thread(() -> {
        try {
          while (probing) {
            long seenBefore = forcedSeen.get();
            System.gc();
            awaitNotificationAfter(seenBefore);
            Thread.sleep(forceFullGcEveryMillis);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "heap-prober");
      prober.setDaemon(true);
      prober.start();
    } else {
      prober = null;
    }
  }

  /** Notifications come on the JMX service thread: waiting for this one keeps the probes one at a time. */
  private void awaitNotificationAfter(long seenBefore) throws InterruptedException {
    long deadline = System.nanoTime() + NOTIFICATION_WAIT_MILLIS * 1_000_000;
    synchronized (forcedSeen) {
      while (forcedSeen.get() == seenBefore && System.nanoTime() < deadline) {
        forcedSeen.wait(NOTIFICATION_WAIT_MILLIS);
      }
    }
  }

  /** The most heap that survived a forced full collection; 0 unless probing. */
  long peakLiveBytes() {
    return peakLive.get();
  }

  long peakAfterGcBytes() {
    return peakAfterGc.get();
  }

  long collections() {
    return collections.get();
  }

  @Override
  public void close() throws Exception {
    probing = false;
    if (prober != null) {
      prober.interrupt();
      prober.join();
    }
    for (NotificationEmitter emitter : emitters) {
      emitter.removeNotificationListener(listener);
    }
  }
}
