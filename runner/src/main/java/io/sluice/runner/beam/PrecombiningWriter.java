package io.sluice.runner.beam;

import io.sluice.runner.engine.block.RowBlock;
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
 * are produced, and the task emits one block of partials instead of its raw elements.
 */
final class PrecombiningWriter implements PortWriter {
  private static final long BYTES_PER_PARTIAL = 64;

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

  /** A precombiner for {@code spec}, with its own copy of the CombineFn. */
  @SuppressWarnings("unchecked")
  static Precombiner precombinerFor(CombinePerKeySpec spec) {
    CombineFn<Object, Object, Object> fn = (CombineFn<Object, Object, Object>) SerializableUtils.clone(spec.fn());
    return new Precombiner(fn, new KeyPartitioner(((KvCoder<?, ?>) spec.input().getCoder()).getKeyCoder(), 1));
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
      List<Precombiner.Partial> partials = precombiner.drain();
      sealed.add(new OutputBlock(port, new RowBlock<>(partials, BYTES_PER_PARTIAL * partials.size())));
    }
  }
}
