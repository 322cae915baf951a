package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  /**
   * Every kind of value a run can make must be loaded before its hot code is compiled, or the
   * first one of a new kind throws the compiled code away (a Beam upgrade that adds a kind elsewhere
   * fails here).
   */
  @Test
  void everyKindOfWindowedValueARunCanMakeIsLoadedUpFront() {
    List<Class<?>> loaded = WarmUp.loadValueClasses();
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(10));
    IntervalWindow other = new IntervalWindow(new Instant(10), new Instant(20));
    List<WindowedValue<String>> values = List.of(
        WindowedValues.valueInGlobalWindow("a"),
        WindowedValues.timestampedValueInGlobalWindow("a", new Instant(5)),
        WindowedValues.of("a", BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE, PaneInfo.NO_FIRING),
        WindowedValues.of("a", new Instant(5), window, PaneInfo.NO_FIRING),
        WindowedValues.of("a", new Instant(5), List.of(window, other), PaneInfo.NO_FIRING));
    for (WindowedValue<String> value : values) {
      assertTrue(loaded.contains(value.getClass()), value.getClass() + " is not among " + loaded);
    }
    assertTrue(loaded.contains(window.getClass()));
  }
}
