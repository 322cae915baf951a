package io.sluice.transforms.order;

import io.sluice.runner.BlockCountHint;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;

/**
 * Ray Data's {@code repartition(num_blocks)} as a portable Beam transform: the same elements out,
 * redistributed into {@code n} groups. It expands to Beam's {@code Redistribute.arbitrarily()}
 * with n buckets: each bundle deals its elements round-robin over n keys from a random start, the
 * keys are grouped and dropped.
 *
 * <pre>{@code
 * PCollection<Row> spread = rows.apply(Repartition.of(64));
 * }</pre>
 *
 * <p>What n means depends on the runner, since Beam has no blocks to count. DirectRunner and
 * FlinkRunner run the expansion: a GroupByKey over n keys, so at most n groups of about equal size,
 * spread over the runner's parallelism. SluiceRunner reads n from a {@link BlockCountHint} and, as
 * Ray Data does, deals the elements into exactly n blocks whose sizes differ by at most one (fewer
 * blocks only for fewer elements), each of which the next step takes as one task; like Ray's, this
 * waits for the whole input. Either way the step also breaks fusion, as a Reshuffle does.
 */
public final class Repartition<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final int partitions;

  private Repartition(int partitions) {
    this.partitions = partitions;
  }

  public static <T> Repartition<T> of(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("Repartition partitions must be >= 1, was " + partitions);
    }
    return new Repartition<>(partitions);
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return input.apply("Redistribute", Redistribute.<T>arbitrarily().withNumBuckets(partitions)
        .setResourceHints(BlockCountHint.add(ResourceHints.create(), BlockCountHint.of(partitions))));
  }
}
