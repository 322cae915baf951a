package io.sluice.runner.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runner.engine.resource.GpuShares.Demand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuSharesTest {
  private static final double EPS = 1e-9;

  @Test
  void unmeasuredOperatorsSplitEvenly() {
    Map<String, Double> shares = GpuShares.split(4, List.of(
        new Demand<>("a", 0.5, Double.NaN), new Demand<>("b", 0.5, Double.NaN)));
    assertEquals(2, shares.get("a"), EPS);
    assertEquals(2, shares.get("b"), EPS);
  }

  @Test
  void theSlowerStageGetsProportionallyMore() {
    Map<String, Double> shares = GpuShares.split(4, List.of(
        new Demand<>("slow", 0.5, 3_000), new Demand<>("fast", 0.5, 1_000)));
    assertEquals(3, shares.get("slow"), EPS);
    assertEquals(1, shares.get("fast"), EPS);
  }

  @Test
  void gpuTimePerRowCountsTheDevicesEachActorHolds() {
    // Same time per row, but b's actors hold twice the GPUs: b needs twice the GPU time per row.
    Map<String, Double> shares = GpuShares.split(3, List.of(
        new Demand<>("a", 0.5, 1_000), new Demand<>("b", 1, 1_000)));
    assertEquals(1, shares.get("a"), EPS);
    assertEquals(2, shares.get("b"), EPS);
  }

  @Test
  void everyOperatorKeepsAtLeastOneActorsWorth() {
    Map<String, Double> shares = GpuShares.split(2, List.of(
        new Demand<>("slow", 1, 1_000_000), new Demand<>("fast", 1, 1)));
    assertEquals(1, shares.get("slow"), EPS);
    assertEquals(1, shares.get("fast"), EPS);
  }

  @Test
  void unmeasuredOperatorIsTreatedAsTheMeasuredAverage() {
    Map<String, Double> shares = GpuShares.split(3, List.of(
        new Demand<>("a", 0.25, 2_000), new Demand<>("b", 0.25, 4_000), new Demand<>("new", 0.25, Double.NaN)));
    assertEquals(2 * 3 / 9.0 * 1, shares.get("a"), EPS);
    assertEquals(4 * 3 / 9.0, shares.get("b"), EPS);
    assertEquals(3 * 3 / 9.0, shares.get("new"), EPS);
  }
}
