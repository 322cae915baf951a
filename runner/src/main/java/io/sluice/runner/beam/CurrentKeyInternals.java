package io.sluice.runner.beam;

import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * A step context whose state and timer internals forward to the key being processed. One
 * DoFnRunner then serves a whole partition, switching keys between elements instead of being
 * rebuilt per key.
 */
final class CurrentKeyInternals implements StepContext {
  private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
  private InMemoryStateInternals<Object> state;
  private InMemoryTimerInternals timers;
  private Object key;

  void select(Object key, InMemoryStateInternals<Object> state, InMemoryTimerInternals timers) {
    this.key = key;
    this.state = state;
    this.timers = timers;
  }

  Object key() {
    return key;
  }

  @Override
  public StateInternals stateInternals() {
    return stateInternals;
  }

  @Override
  public TimerInternals timerInternals() {
    return timerInternals;
  }

  @Override
  public InMemoryBundleFinalizer bundleFinalizer() {
    return finalizer;
  }

  private final StateInternals stateInternals = new StateInternals() {
    @Override
    public Object getKey() {
      return key;
    }

    @Override
    public <T extends State> T state(StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
      return state.state(namespace, address, c);
    }
  };

  private final TimerInternals timerInternals = new TimerInternals() {
    @Override
    public void setTimer(StateNamespace namespace, String timerId, String timerFamilyId, Instant target,
        Instant outputTimestamp, TimeDomain timeDomain) {
      timers.setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, timeDomain);
    }

    @Override
    public void setTimer(TimerData timerData) {
      timers.setTimer(timerData);
    }

    @Override
    public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
      timers.deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
    }

    @Override
    public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
      timers.deleteTimer(namespace, timerId, timerFamilyId);
    }

    @Override
    public void deleteTimer(TimerData timerKey) {
      timers.deleteTimer(timerKey);
    }

    @Override
    public Instant currentProcessingTime() {
      return timers.currentProcessingTime();
    }

    @Override
    public Instant currentSynchronizedProcessingTime() {
      return timers.currentSynchronizedProcessingTime();
    }

    @Override
    public Instant currentInputWatermarkTime() {
      return timers.currentInputWatermarkTime();
    }

    @Override
    public Instant currentOutputWatermarkTime() {
      return timers.currentOutputWatermarkTime();
    }
  };
}
