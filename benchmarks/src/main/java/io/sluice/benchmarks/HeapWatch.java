package io.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * How much heap a run kept. {@link #peakAfterGcBytes()}: the largest occupancy right after any
 * collection, over every collection while watching; with G1 that still counts old-generation
 * garbage no mixed collection has reclaimed yet. With {@code forceFullGcEveryMillis > 0} a thread
 * also forces a full collection at that interval and records what survives it ({@link
 * #peakLiveBytes()}): the data the run really held, at the price of pauses, so only for untimed runs.
 */
final class HeapWatch implements AutoCloseable {
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = 0;
      for (MemoryUsage pool : info.getGcInfo().getMemoryUsageAfterGc().values()) {
        used += pool.getUsed();
      }
      peakAfterGc.accumulateAndGet(used, Math::max);
      collections.incrementAndGet();
    }
  };

  private final AtomicLong peakLive = new AtomicLong();
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
        while (probing) {
          System.gc();
          peakLive.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(forceFullGcEveryMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-prober");
      prober.setDaemon(true);
      prober.start();
    } else {
      prober = null;
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
