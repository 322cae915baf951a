package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.PlanNode;
import io.sluice.runner.plan.SplittableProcessSpec;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.ProcessFnRunner;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Runs a splittable DoFn through Beam's keyed-work-item machinery: ProcessFn with an invoker that
 * checkpoints after a number of outputs or an amount of time, the residual kept in the key's state
 * and resumed by its timers until none is left. Each input element is one key's work item.
 */
final class SplittableProcessFunction implements BlockFunction {
  private static final int MAX_OUTPUTS_PER_CHECKPOINT = 10_000;
  private static final Duration MAX_TIME_PER_CHECKPOINT = Duration.standardSeconds(10);

  private final SplittableProcessSpec spec;
  private final PlanNode node;
  private final OperatorContext context;
  /** Used by the invoker to stop a call that runs past its time budget; stopped on close. */
  private final ScheduledExecutorService checkpointTimer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "sluice-sdf-checkpoint");
    thread.setDaemon(true);
    return thread;
  });

  SplittableProcessFunction(SplittableProcessSpec spec, PlanNode node, OperatorContext context) {
    this.spec = spec;
    this.node = node;
    this.context = context;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public List<OutputBlock> apply(Block input) throws Exception {
    ProcessFn<Object, Object, Object, Object, Object> fn =
        (ProcessFn) spec.transform().newProcessFn((DoFn) spec.transform().getFn());
    DoFnInvokers.tryInvokeSetupFor(fn, context.options());
    List<OutputBlock> outputs = new ArrayList<>();
    TaskMetrics taskMetrics = new TaskMetrics();
    boolean succeeded = false;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(taskMetrics.containerFor(spec.name()))) {
      process(fn, ((RowBlock<?>) input).elements(), outputs);
      succeeded = true;
    } catch (Exception e) {
      throw TransformFailedException.attribute(spec.name(), e);
    } finally {
      context.metrics().merge(taskMetrics, succeeded);
      DoFnInstances.tearDown(fn, null);
    }
    return outputs;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void process(ProcessFn<Object, Object, Object, Object, Object> fn, List<?> workItems,
      List<OutputBlock> outputs) throws Exception {
    ParDoRunners.OutputTags tags = ParDoRunners.OutputTags.of(spec.outputs(), spec.transform().getMainOutputTag());
    TaggedOutputs receiver = new TaggedOutputs(node, spec.outputs(), context.blockSize(), outputs);
    CurrentKeyInternals current = new CurrentKeyInternals();
    InMemoryBundleFinalizer finalizer = current.bundleFinalizer();
    fn.setStateInternalsFactory(key -> current.stateInternals());
    fn.setTimerInternalsFactory(key -> current.timerInternals());
    fn.setSideInputReader(context.sideInputs());
    fn.setProcessElementInvoker(new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
        (DoFn) spec.transform().getFn(), context.options(), receiver, (TupleTag) spec.transform().getMainOutputTag(),
        context.sideInputs(), checkpointTimer, MAX_OUTPUTS_PER_CHECKPOINT, MAX_TIME_PER_CHECKPOINT, () -> finalizer));
    ProcessFnRunner<Object, Object, Object> runner = DoFnRunners.newProcessFnRunner(
        fn, context.options(), spec.sideInputs(), allReady(context), receiver,
        (TupleTag) spec.transform().getMainOutputTag(), tags.additional(), current,
        (Coder) spec.input().getCoder(), tags.coders(), spec.input().getWindowingStrategy(),
        DoFnSchemaInformation.create(), spec.transform().getSideInputMapping());
    for (Object element : workItems) {
      WindowedValue<KeyedWorkItem<byte[], KV<Object, Object>>> workItem =
          (WindowedValue<KeyedWorkItem<byte[], KV<Object, Object>>>) element;
      byte[] key = workItem.getValue().key();
      InMemoryTimerInternals timers = new InMemoryTimerInternals();
      timers.advanceProcessingTime(Instant.now());
      current.select(key, InMemoryStateInternals.forKey((Object) key), timers);
      runAsBundle(runner, workItem, finalizer);
      TimerDrain.fireAll(timers, timer -> runAsBundle(runner,
          WindowedValues.valueInGlobalWindow(KeyedWorkItems.timersWorkItem(key, List.of(timer))), finalizer));
    }
    receiver.seal();
  }

  /**
   * Each step (the first call, then each resumption) is its own bundle, finalized before the next
   * resumption: an SDF may wait for its finalization callback before it makes progress.
   */
  private void runAsBundle(ProcessFnRunner<Object, Object, Object> runner,
      WindowedValue<KeyedWorkItem<byte[], KV<Object, Object>>> workItem, InMemoryBundleFinalizer finalizer) {
    runner.startBundle();
    runner.processElementInReadyWindows(workItem);
    runner.finishBundle();
    DoFnInstances.finalizeBundle(finalizer, spec.name());
  }

  /** Side inputs are materialised before this operator starts, so every window is ready. */
  private static ReadyCheckingSideInputReader allReady(OperatorContext context) {
    return new ReadyCheckingSideInputReader() {
      @Override
      public boolean isReady(PCollectionView<?> view, BoundedWindow window) {
        return true;
      }

      @Override
      public <T> T get(PCollectionView<T> view, BoundedWindow window) {
        return context.sideInputs().get(view, window);
      }

      @Override
      public <T> boolean contains(PCollectionView<T> view) {
        return context.sideInputs().contains(view);
      }

      @Override
      public boolean isEmpty() {
        return context.sideInputs().isEmpty();
      }
    };
  }

  @Override
  public void close() {
    checkpointTimer.shutdownNow();
  }
}
