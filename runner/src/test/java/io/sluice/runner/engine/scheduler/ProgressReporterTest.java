package io.sluice.runner.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void reportsOncePerIntervalAndNothingBeforeTheFirst() {
    AtomicLong clock = new AtomicLong();
    List<String> reports = new ArrayList<>();
    ProgressReporter reporter = new ProgressReporter(clock::get, 10 * SECOND, reports::add);

    clock.set(9 * SECOND);
    reporter.maybeReport(() -> "r1");
    assertEquals(List.of(), reports);

    clock.set(10 * SECOND);
    reporter.maybeReport(() -> "r1");
    clock.set(15 * SECOND);
    reporter.maybeReport(() -> "r2");
    assertEquals(List.of("r1"), reports);

    clock.set(20 * SECOND);
    reporter.maybeReport(() -> "r3");
    assertEquals(List.of("r1", "r3"), reports);
  }

  @Test
  void aZeroIntervalReportsNothing() {
    AtomicLong clock = new AtomicLong();
    List<String> reports = new ArrayList<>();
    ProgressReporter reporter = new ProgressReporter(clock::get, 0, reports::add);
    clock.set(1_000 * SECOND);
    reporter.maybeReport(() -> "never");
    assertEquals(List.of(), reports);
  }
}
