package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.PlanNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A DoFn's tagged outputs written into blocks, one builder per output that leaves the operator;
 * outputs nobody consumes are dropped.
 */
final class TaggedOutputs implements WindowedValueMultiReceiver {
  private final Map<TupleTag<?>, BlockBuilder> builders = new HashMap<>();

  TaggedOutputs(PlanNode node, Map<TupleTag<?>, PCollection<?>> outputs, BlockSize blockSize, List<OutputBlock> sealed) {
    for (Map.Entry<TupleTag<?>, PCollection<?>> output : outputs.entrySet()) {
      if (node.outputs().contains(output.getValue())) {
        builders.put(output.getKey(), new BlockBuilder(node.portOf(output.getValue()),
            output.getValue().getCoder(), blockSize, sealed));
      }
    }
  }

  @Override
  public <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
    BlockBuilder builder = builders.get(tag);
    if (builder != null) {
      builder.add(value);
    }
  }

  void seal() {
    for (BlockBuilder builder : builders.values()) {
      builder.seal();
    }
  }
}
