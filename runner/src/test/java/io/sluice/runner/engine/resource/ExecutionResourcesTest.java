package io.sluice.runner.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExecutionResourcesTest {

  @Test
  void addSumsEveryDimension() {
    ExecutionResources sum =
        new ExecutionResources(1, 0.5, 100).add(new ExecutionResources(2, 0.25, 50));

    assertEquals(new ExecutionResources(3, 0.75, 150), sum);
  }

  @Test
  void addSaturatesMemoryInsteadOfOverflowing() {
    ExecutionResources sum =
        new ExecutionResources(0, 0, Long.MAX_VALUE - 1).add(new ExecutionResources(0, 0, 10));

    assertEquals(Long.MAX_VALUE, sum.memoryBytes());
  }

  @Test
  void subtractFloorsEachDimensionAtZero() {
    ExecutionResources left = new ExecutionResources(1, 1, 10);

    ExecutionResources difference = left.subtract(new ExecutionResources(2, 0.5, 20));

    assertEquals(new ExecutionResources(0, 0.5, 0), difference);
  }

  @Test
  void subtractOfSmallerAmountIsExact() {
    ExecutionResources difference =
        new ExecutionResources(4, 2, 1000).subtract(new ExecutionResources(1, 0.5, 300));

    assertEquals(new ExecutionResources(3, 1.5, 700), difference);
  }

  @Test
  void fitsWithinIsInclusiveAndChecksEveryDimension() {
    ExecutionResources limit = new ExecutionResources(4, 1, 1000);

    assertTrue(new ExecutionResources(4, 1, 1000).fitsWithin(limit));
    assertTrue(ExecutionResources.ZERO.fitsWithin(limit));
    assertFalse(new ExecutionResources(4.01, 1, 1000).fitsWithin(limit));
    assertFalse(new ExecutionResources(4, 1.01, 1000).fitsWithin(limit));
    assertFalse(new ExecutionResources(4, 1, 1001).fitsWithin(limit));
  }

  @Test
  void threeThirdsOfAGpuFitOneGpu() {
    ExecutionResources third = new ExecutionResources(0, 1.0 / 3, 0);

    ExecutionResources three = ExecutionResources.ZERO.add(third).add(third).add(third);

    assertTrue(three.fitsWithin(new ExecutionResources(0, 1, 0)));
    // A fourth share must not fit.
    assertFalse(three.add(third).fitsWithin(new ExecutionResources(0, 1, 0)));
  }

  @Test
  void fractionalSharesThatRoundAboveTheLimitStillFit() {
    ExecutionResources tenth = new ExecutionResources(0.1, 0.1, 0);

    // In doubles 0.1 + 0.1 + 0.1 == 0.30000000000000004 > 0.3.
    ExecutionResources three = ExecutionResources.ZERO.add(tenth).add(tenth).add(tenth);

    assertTrue(three.gpus() > 0.3, "precondition: the double sum overshoots");
    assertTrue(three.fitsWithin(new ExecutionResources(0.3, 0.3, 0)));
  }

  @Test
  void minTakesEachDimensionSeparately() {
    ExecutionResources min =
        new ExecutionResources(1, 5, 100).min(new ExecutionResources(3, 0.5, 200));

    assertEquals(new ExecutionResources(1, 0.5, 100), min);
  }

  @Test
  void cpusFactorySetsOnlyCpus() {
    assertEquals(new ExecutionResources(2.5, 0, 0), ExecutionResources.cpus(2.5));
  }

  @Test
  void negativeCpusAreRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExecutionResources(-1, 0, 0));

    assertTrue(e.getMessage().contains("cpus=-1.0"), e.getMessage());
  }

  @Test
  void negativeGpusAreRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExecutionResources(0, -0.5, 0));

    assertTrue(e.getMessage().contains("gpus=-0.5"), e.getMessage());
  }

  @Test
  void negativeMemoryIsRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExecutionResources(0, 0, -7));

    assertTrue(e.getMessage().contains("memoryBytes=-7"), e.getMessage());
  }
}
