package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.Exchange;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.PlanNode;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespaces.WindowNamespace;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A ParDo with state, timers or time-sorted input. Partitioned by key; a reduce task runs a whole
 * partition as one bundle through Beam's StatefulDoFnRunner (state cleanup, OnWindowExpiration,
 * late-data dropping), each key with its own in-memory state and timers. Once a key's elements are
 * processed its input watermark jumps to the end of time and its timers fire in timestamp order,
 * including timers set while firing; pending processing-time timers are reached by advancing that
 * key's processing time to them, as if the wall clock had passed.
 */
final class KeyedParDoExchange implements Exchange {
  private final ParDoSpec spec;
  private final PlanNode node;
  private final KeyPartitioner partitioner;
  private final OperatorContext context;
  private final ConcurrentLinkedQueue<DoFn<Object, Object>> idle = new ConcurrentLinkedQueue<>();
  private final Set<DoFn<Object, Object>> live = ConcurrentHashMap.newKeySet();

  KeyedParDoExchange(ParDoSpec spec, PlanNode node, int partitions, OperatorContext context) {
    this.spec = spec;
    this.node = node;
    this.context = context;
    Coder<?> inputCoder = spec.input().getCoder();
    if (!(inputCoder instanceof KvCoder<?, ?> kvCoder)) {
      throw new IllegalArgumentException(spec.name() + " uses state or timers, so its input must be a KV "
          + "PCollection with a KvCoder, but its coder is " + inputCoder);
    }
    this.partitioner = new KeyPartitioner(kvCoder.getKeyCoder(), partitions);
  }

  @Override
  public int partitions() {
    return partitioner.partitions();
  }

  @Override
  public Block[] partition(Block input) {
    return partitioner.partition(input);
  }

  @Override
  public List<OutputBlock> reduce(int partition, List<Block> blocks) throws Exception {
    DoFn<Object, Object> fn = idle.poll();
    if (fn == null) {
      try {
        fn = DoFnInstances.setUp(spec.fn(), context.options());
      } catch (RuntimeException e) {
        throw TransformFailedException.attribute(spec.name(), e);
      }
      live.add(fn);
    }
    try {
      List<OutputBlock> outputs = runBundle(fn, partitioner.groupByKey(blocks));
      idle.add(fn);
      return outputs;
    } catch (Throwable t) {
      live.remove(fn);
      DoFnInstances.tearDown(fn, t);
      throw t;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<OutputBlock> runBundle(DoFn<Object, Object> fn, Map<Object, KeyPartitioner.KeyGroup> groups) {
    List<OutputBlock> outputs = new ArrayList<>();
    Map<TupleTag<?>, BlockBuilder> builders = new HashMap<>();
    for (Map.Entry<TupleTag<?>, PCollection<?>> output : spec.outputs().entrySet()) {
      if (node.outputs().contains(output.getValue())) {
        int port = node.portOf(output.getValue());
        builders.put(output.getKey(),
            new BlockBuilder(port, output.getValue().getCoder(), context.targetBlockRows(), outputs));
      }
    }
    WindowedValueMultiReceiver receiver = new WindowedValueMultiReceiver() {
      @Override
      public <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
        BlockBuilder builder = builders.get(tag);
        if (builder != null) {
          builder.add(value);
        }
      }
    };
    CurrentKeyInternals current = new CurrentKeyInternals();
    InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
    StepContext stepContext = new StepContext() {
      @Override
      public StateInternals stateInternals() {
        return current.stateInternals;
      }

      @Override
      public TimerInternals timerInternals() {
        return current.timerInternals;
      }

      @Override
      public DoFn.BundleFinalizer bundleFinalizer() {
        return finalizer;
      }
    };
    MetricsContainerStepMap taskMetrics = new MetricsContainerStepMap();
    WindowingStrategy<?, ?> strategy = spec.input().getWindowingStrategy();
    Coder<BoundedWindow> windowCoder = (Coder<BoundedWindow>) strategy.getWindowFn().windowCoder();
    DoFnRunner<Object, Object> simple = ParDoRunners.create(spec, fn, context, receiver, stepContext);
    DoFnRunner<Object, Object> runner = DoFnRunners.defaultStatefulDoFnRunner(
        fn,
        (Coder) spec.input().getCoder(),
        simple,
        stepContext,
        strategy,
        new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(current.timerInternals, strategy),
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(fn, current.stateInternals, windowCoder),
        spec.requiresTimeSortedInput());
    Map<Object, InMemoryTimerInternals> timersByKey = new HashMap<>();
    Map<Object, InMemoryStateInternals<Object>> stateByKey = new HashMap<>();
    boolean succeeded = false;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(taskMetrics.getContainer(spec.name()))) {
      runner.startBundle();
      for (KeyPartitioner.KeyGroup group : groups.values()) {
        InMemoryTimerInternals timers = new InMemoryTimerInternals();
        timers.advanceProcessingTime(Instant.now());
        InMemoryStateInternals<Object> state = InMemoryStateInternals.forKey(group.key());
        timersByKey.put(group.key(), timers);
        stateByKey.put(group.key(), state);
        current.select(group.key(), state, timers);
        for (WindowedValue<KV<Object, Object>> element : group.elements()) {
          runner.processElement((WindowedValue) element);
        }
      }
      for (KeyPartitioner.KeyGroup group : groups.values()) {
        InMemoryTimerInternals timers = timersByKey.get(group.key());
        current.select(group.key(), stateByKey.get(group.key()), timers);
        fireAll(runner, group.key(), timers);
      }
      runner.finishBundle();
      for (BlockBuilder builder : builders.values()) {
        builder.seal();
      }
      succeeded = true;
    } catch (Exception e) {
      throw TransformFailedException.attribute(spec.name(), e);
    } finally {
      context.metrics().merge(taskMetrics, succeeded);
    }
    DoFnInstances.finalizeBundle(finalizer, spec.name());
    return outputs;
  }

  private static void fireAll(DoFnRunner<Object, Object> runner, Object key, InMemoryTimerInternals timers)
      throws Exception {
    timers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    while (true) {
      TimerData timer = timers.removeNextEventTimer();
      if (timer == null) {
        timer = timers.removeNextProcessingTimer();
      }
      if (timer == null) {
        timer = timers.removeNextSynchronizedProcessingTimer();
      }
      if (timer == null) {
        Instant nextProcessing = timers.getNextTimer(TimeDomain.PROCESSING_TIME);
        Instant nextSynchronized = timers.getNextTimer(TimeDomain.SYNCHRONIZED_PROCESSING_TIME);
        if (nextProcessing == null && nextSynchronized == null) {
          return;
        }
        if (nextProcessing != null) {
          timers.advanceProcessingTime(nextProcessing);
        }
        if (nextSynchronized != null) {
          timers.advanceSynchronizedProcessingTime(nextSynchronized);
        }
        continue;
      }
      BoundedWindow window = ((WindowNamespace<?>) timer.getNamespace()).getWindow();
      runner.onTimer(timer.getTimerId(), timer.getTimerFamilyId(), key, window, timer.getTimestamp(),
          timer.getOutputTimestamp(), timer.getDomain());
    }
  }

  @Override
  public void close() {
    for (DoFn<Object, Object> fn : live) {
      DoFnInstances.tearDown(fn, null);
    }
    live.clear();
  }
}
