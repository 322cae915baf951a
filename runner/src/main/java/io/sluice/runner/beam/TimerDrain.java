package io.sluice.runner.beam;

import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Fires every timer of a key whose input is complete: the input watermark jumps to the end of time
 * and timers fire in timestamp order, including timers set while firing. Pending processing-time
 * timers are reached by advancing that key's processing time to them, as if the clock had passed.
 */
final class TimerDrain {
  interface TimerHandler {
    void fire(TimerData timer) throws Exception;
  }

  private TimerDrain() {}

  static void fireAll(InMemoryTimerInternals timers, TimerHandler handler) throws Exception {
    timers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    while (true) {
      TimerData timer = timers.removeNextEventTimer();
      if (timer == null) {
        timer = timers.removeNextProcessingTimer();
      }
      if (timer == null) {
        timer = timers.removeNextSynchronizedProcessingTimer();
      }
      if (timer != null) {
        handler.fire(timer);
        continue;
      }
      Instant nextProcessing = timers.getNextTimer(TimeDomain.PROCESSING_TIME);
      Instant nextSynchronized = timers.getNextTimer(TimeDomain.SYNCHRONIZED_PROCESSING_TIME);
      if (nextProcessing == null && nextSynchronized == null) {
        return;
      }
      // A timer is due once the clock is past it, hence one millisecond beyond.
      if (nextProcessing != null) {
        timers.advanceProcessingTime(latest(timers.currentProcessingTime(), nextProcessing.plus(1)));
      }
      if (nextSynchronized != null) {
        timers.advanceSynchronizedProcessingTime(
            latest(timers.currentSynchronizedProcessingTime(), nextSynchronized.plus(1)));
      }
    }
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
