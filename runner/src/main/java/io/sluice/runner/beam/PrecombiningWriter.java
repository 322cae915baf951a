package io.sluice.runner.beam;

import io.sluice.runner.engine.block.PartitionedBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.CombinePerKeySpec;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * An output port feeding a lifted combine: elements are folded into per-key accumulators as they
 * are produced, and the task emits its partials instead of its raw elements, already split by the
 * combine's partitions, so that the combine places them with no task of its own.
 */
final class PrecombiningWriter implements PortWriter {
  private final int port;
  private final String transform;
  private final Precombiner precombiner;
  private final MetricsRouter router;
  private final MetricsContainer metrics;
  private final List<OutputBlock> sealed;

  PrecombiningWriter(int port, CombinePerKeySpec spec, Precombiner precombiner, MetricsRouter router,
      MetricsContainer metrics, List<OutputBlock> sealed) {
    this.port = port;
    this.transform = spec.name();
    this.precombiner = precombiner;
    this.router = router;
    this.metrics = metrics;
    this.sealed = sealed;
  }

  /**
   * A precombiner for {@code spec}, with its own copy of the CombineFn, that splits what it drains as
   * the combine's exchange does with {@code partitions} partitions.
   */
  @SuppressWarnings("unchecked")
  static Precombiner precombinerFor(CombinePerKeySpec spec, int partitions) {
    CombineFn<Object, Object, Object> fn = (CombineFn<Object, Object, Object>) SerializableUtils.clone(spec.fn());
    return new Precombiner(fn, new KeyPartitioner(((KvCoder<?, ?>) spec.input().getCoder()).getKeyCoder(), partitions));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void add(WindowedValue<?> element) {
    MetricsContainer previous = router.enter(metrics);
    try {
      precombiner.add((WindowedValue<KV<Object, Object>>) element);
    } catch (RuntimeException e) {
      throw TransformFailedException.attribute(transform, e);
    } finally {
      router.enter(previous);
    }
  }

  @Override
  public void seal() {
    if (!precombiner.isEmpty()) {
      sealed.add(new OutputBlock(port, new PartitionedBlock(precombiner.drainByPartition())));
    }
  }
}
