package io.sluice.runner.engine.resource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Divides a run's GPUs among its GPU operators. Ray Data lets every GPU operator use all of them,
 * so the first to scale up starves the rest; here each gets a share in proportion to the GPU time
 * it needs per row, measured as it runs, so the slowest stage gets the most devices and the stages
 * finish rows at the same rate. Every operator keeps at least one actor's worth, or it could
 * never run. Before any measurement the split is even.
 */
public final class GpuShares {
  private GpuShares() {}

  /**
   * One GPU operator's demand.
   *
   * @param gpusPerActor what one of its actors holds
   * @param nanosPerRow measured actor time per input row, or NaN while unknown
   */
  public record Demand<K>(K operator, double gpusPerActor, double nanosPerRow) {}

  /** Each operator's GPU share; the shares add up to {@code totalGpus} unless the minimums exceed it. */
  public static <K> Map<K, Double> split(double totalGpus, List<Demand<K>> demands) {
    Map<K, Double> shares = new HashMap<>();
    if (demands.isEmpty()) {
      return shares;
    }
    double knownMean = demands.stream().mapToDouble(Demand::nanosPerRow).filter(n -> n > 0).average().orElse(1);
    double[] weights = new double[demands.size()];
    double totalWeight = 0;
    for (int i = 0; i < weights.length; i++) {
      Demand<K> demand = demands.get(i);
      double nanos = demand.nanosPerRow() > 0 ? demand.nanosPerRow() : knownMean;
      weights[i] = nanos * demand.gpusPerActor();
      totalWeight += weights[i];
    }
    // Proportional shares, then each raised to one actor's worth, paid for by the others in proportion.
    double reserved = 0;
    double flexibleWeight = 0;
    boolean[] atMinimum = new boolean[weights.length];
    for (int i = 0; i < weights.length; i++) {
      double proportional = totalWeight > 0 ? totalGpus * weights[i] / totalWeight : totalGpus / weights.length;
      if (proportional < demands.get(i).gpusPerActor()) {
        atMinimum[i] = true;
        reserved += demands.get(i).gpusPerActor();
      } else {
        flexibleWeight += weights[i];
      }
    }
    double remaining = Math.max(0, totalGpus - reserved);
    for (int i = 0; i < weights.length; i++) {
      Demand<K> demand = demands.get(i);
      double share = atMinimum[i] ? demand.gpusPerActor() : remaining * weights[i] / flexibleWeight;
      shares.put(demand.operator(), Math.max(share, demand.gpusPerActor()));
    }
    return shares;
  }
}
