package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
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
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespaces.WindowNamespace;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A ParDo with state, timers or time-sorted input. Partitioned by key; a reduce task runs a whole
 * partition as one bundle through Beam's StatefulDoFnRunner (state cleanup, OnWindowExpiration,
 * late-data dropping), each key with its own in-memory state and timers, fired by {@link TimerDrain}
 * once the key's elements are processed.
 */
final class KeyedParDoExchange extends KeyedExchange {
  private final ParDoSpec spec;
  private final PlanNode node;
  private final OperatorContext context;
  private final ConcurrentLinkedQueue<DoFn<Object, Object>> idle = new ConcurrentLinkedQueue<>();
  private final Set<DoFn<Object, Object>> live = ConcurrentHashMap.newKeySet();

  KeyedParDoExchange(ParDoSpec spec, PlanNode node, int partitions, OperatorContext context) {
    super(new KeyPartitioner(keyCoder(spec), partitions));
    this.spec = spec;
    this.node = node;
    this.context = context;
  }

  private static Coder<?> keyCoder(ParDoSpec spec) {
    Coder<?> inputCoder = spec.input().getCoder();
    if (!(inputCoder instanceof KvCoder<?, ?> kvCoder)) {
      throw new IllegalArgumentException(spec.name() + " uses state or timers, so its input must be a KV "
          + "PCollection with a KvCoder, but its coder is " + inputCoder);
    }
    return kvCoder.getKeyCoder();
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
    TaggedOutputs receiver = new TaggedOutputs(node, spec.outputs(), context.blockSize(), outputs);
    CurrentKeyInternals current = new CurrentKeyInternals();
    TaskMetrics taskMetrics = new TaskMetrics();
    WindowingStrategy<?, ?> strategy = spec.input().getWindowingStrategy();
    Coder<BoundedWindow> windowCoder = (Coder<BoundedWindow>) strategy.getWindowFn().windowCoder();
    DoFnRunner<Object, Object> simple = ParDoRunners.create(spec, fn, context, receiver, current);
    DoFnRunner<Object, Object> runner = DoFnRunners.defaultStatefulDoFnRunner(
        fn,
        (Coder) spec.input().getCoder(),
        simple,
        current,
        strategy,
        new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(current.timerInternals(), strategy),
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(fn, current.stateInternals(), windowCoder),
        spec.requiresTimeSortedInput());
    Map<Object, InMemoryTimerInternals> timersByKey = new HashMap<>();
    Map<Object, InMemoryStateInternals<Object>> stateByKey = new HashMap<>();
    boolean succeeded = false;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(taskMetrics.containerFor(spec.name()))) {
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
        Object key = group.key();
        TimerDrain.fireAll(timers, timer -> runner.onTimer(timer.getTimerId(), timer.getTimerFamilyId(), key,
            ((WindowNamespace<?>) timer.getNamespace()).getWindow(), timer.getTimestamp(),
            timer.getOutputTimestamp(), timer.getDomain()));
      }
      runner.finishBundle();
      receiver.seal();
      succeeded = true;
    } catch (Exception e) {
      throw TransformFailedException.attribute(spec.name(), e);
    } finally {
      context.metrics().merge(taskMetrics, succeeded);
    }
    DoFnInstances.finalizeBundle(current.bundleFinalizer(), spec.name());
    return outputs;
  }

  @Override
  public void close() {
    for (DoFn<Object, Object> fn : live) {
      DoFnInstances.tearDown(fn, null);
    }
    live.clear();
  }
}
