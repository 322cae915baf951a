package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.GroupByKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;

/**
 * GroupByKey. Under the default trigger with non-merging windows, each (key, window) fires exactly
 * once, on time, at the end of the window: that case groups directly. Every other strategy
 * (merging windows, triggers, lateness, timestamp combiners) runs Beam's own ReduceFnRunner per key
 * with the watermark advanced to the end of time once the key's input is complete.
 */
final class GroupByKeyExchange extends KeyedExchange {
  private final GroupByKeySpec spec;
  private final WindowingStrategy<Object, BoundedWindow> strategy;
  private final Coder<Object> valueCoder;
  private final Coder<?> outputCoder;
  private final OperatorContext context;
  private final boolean directGrouping;

  @SuppressWarnings("unchecked")
  GroupByKeyExchange(GroupByKeySpec spec, int partitions, OperatorContext context) {
    super(new KeyPartitioner(((KvCoder<?, ?>) spec.input().getCoder()).getKeyCoder(), partitions));
    this.spec = spec;
    this.context = context;
    this.valueCoder = ((KvCoder<Object, Object>) spec.input().getCoder()).getValueCoder();
    this.outputCoder = spec.output().getCoder();
    this.strategy = (WindowingStrategy<Object, BoundedWindow>) spec.input().getWindowingStrategy();
    this.directGrouping = strategy.getTrigger() instanceof DefaultTrigger
        && strategy.getWindowFn().isNonMerging()
        && strategy.getAllowedLateness().equals(Duration.ZERO)
        && strategy.getTimestampCombiner() == TimestampCombiner.END_OF_WINDOW;
  }

  @Override
  public List<OutputBlock> reduce(int partition, List<Block> blocks) throws Exception {
    List<OutputBlock> outputs = new ArrayList<>();
    BlockBuilder builder = new BlockBuilder(0, outputCoder, context.blockSize(), outputs);
    for (KeyPartitioner.KeyGroup group : partitioner.groupByKey(blocks).values()) {
      if (spec.keyedWorkItems()) {
        groupIntoWorkItem(group, builder);
      } else if (directGrouping) {
        groupDirectly(group, builder);
      } else {
        groupWithReduceFn(group, builder);
      }
    }
    builder.seal();
    return outputs;
  }

  /** All of a key's values, each keeping its own windows and timestamp, as one work item. */
  private static void groupIntoWorkItem(KeyPartitioner.KeyGroup group, BlockBuilder builder) {
    List<WindowedValue<Object>> values = new ArrayList<>(group.elements().size());
    for (WindowedValue<KV<Object, Object>> element : group.elements()) {
      values.add(element.withValue(element.getValue().getValue()));
    }
    builder.add(WindowedValues.valueInGlobalWindow(KeyedWorkItems.elementsWorkItem(group.key(), values)));
  }

  private static void groupDirectly(KeyPartitioner.KeyGroup group, BlockBuilder builder) {
    Map<BoundedWindow, List<Object>> byWindow = new LinkedHashMap<>();
    for (WindowedValue<KV<Object, Object>> element : group.elements()) {
      for (BoundedWindow window : element.getWindows()) {
        byWindow.computeIfAbsent(window, w -> new ArrayList<>()).add(element.getValue().getValue());
      }
    }
    for (Map.Entry<BoundedWindow, List<Object>> entry : byWindow.entrySet()) {
      BoundedWindow window = entry.getKey();
      builder.add(WindowedValues.of(KV.of(group.key(), (Iterable<Object>) entry.getValue()),
          window.maxTimestamp(), window, PaneInfo.ON_TIME_AND_ONLY_FIRING));
    }
  }

  private void groupWithReduceFn(KeyPartitioner.KeyGroup group, BlockBuilder builder) throws Exception {
    Object key = group.key();
    InMemoryTimerInternals timers = new InMemoryTimerInternals();
    ReduceFnRunner<Object, Object, Iterable<Object>, BoundedWindow> runner = new ReduceFnRunner<>(
        key,
        strategy,
        ExecutableTriggerStateMachine.create(
            TriggerStateMachines.stateMachineForTrigger(TriggerTranslation.toProto(strategy.getTrigger()))),
        InMemoryStateInternals.forKey(key),
        timers,
        builder::add,
        NullSideInputReader.empty(),
        SystemReduceFn.buffering(valueCoder),
        context.options());
    List<WindowedValue<Object>> values = new ArrayList<>(group.elements().size());
    for (WindowedValue<KV<Object, Object>> element : group.elements()) {
      values.add(element.withValue(element.getValue().getValue()));
    }
    runner.processElements(values);
    timers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    while (true) {
      List<TimerData> due = new ArrayList<>();
      TimerData timer;
      while ((timer = timers.removeNextEventTimer()) != null) {
        due.add(timer);
      }
      while ((timer = timers.removeNextProcessingTimer()) != null) {
        due.add(timer);
      }
      while ((timer = timers.removeNextSynchronizedProcessingTimer()) != null) {
        due.add(timer);
      }
      if (due.isEmpty()) {
        break;
      }
      runner.onTimers(due);
    }
    runner.persist();
  }

  @Override
  public String toString() {
    return spec.name();
  }
}
