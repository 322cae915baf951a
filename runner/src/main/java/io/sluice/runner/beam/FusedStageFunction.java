package io.sluice.runner.beam;

import io.sluice.runner.ColumnarDoFn;
import io.sluice.runner.ColumnarRows;
import io.sluice.runner.DeviceContext;
import io.sluice.runner.engine.actor.Actor;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.CoreYield;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.CombinePerKeySpec;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.PlanNode;
import io.sluice.runner.plan.TransformSpec;
import io.sluice.runner.plan.WindowAssignSpec;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Runs a fused chain of element-wise transforms over one block as one Beam bundle. Elements pass
 * from DoFn to DoFn by direct calls; only what leaves the stage is collected into blocks. Stage
 * instances (each with its own set-up DoFns) are pooled, so a task never pays for @Setup.
 */
final class FusedStageFunction implements BlockFunction {
  private final PlanNode node;
  private final List<TransformSpec> specs;
  private final PCollection<?> input;
  private final OperatorContext context;
  private final ConcurrentLinkedQueue<StageInstance> idle = new ConcurrentLinkedQueue<>();
  private final Set<StageInstance> live = ConcurrentHashMap.newKeySet();

  /**
   * @param specs the element-wise transforms to run, in order; the first reads {@code input}
   * @param input the collection whose elements enter the stage
   */
  FusedStageFunction(PlanNode node, List<TransformSpec> specs, PCollection<?> input, OperatorContext context) {
    this.node = node;
    this.specs = specs;
    this.input = input;
    this.context = context;
  }

  @Override
  public List<OutputBlock> apply(Block input) throws Exception {
    return apply(List.of(input));
  }

  /** Runs several blocks as one bundle, in order, without copying them into one. */
  List<OutputBlock> apply(List<Block> inputs) throws Exception {
    return run(null, feederOf(inputs, context.coreYield()));
  }

  @SuppressWarnings("unchecked")
  private static Feeder feederOf(List<Block> inputs, CoreYield coreYield) {
    return (root, rootBatches, outputBytes) -> {
      CoreYield.Pacer pacer = coreYield.pacer();
      for (Block block : inputs) {
        if (block instanceof ColumnarBlock columnar && columnar.batch() instanceof ColumnarRows batch) {
          feedColumns(columnar, batch, root, rootBatches);
          pacer.recordDone();
          continue;
        }
        for (Object element : ((RowBlock<?>) block).elements()) {
          root.accept((WindowedValue<Object>) element);
          pacer.recordDone();
        }
      }
    };
  }

  /**
   * A columnar block goes to the stage's columnar head as it is: the batch itself where the block
   * is all of it (no copy), else a batch of its rows. Without such a head, its rows go in one by one.
   */
  private static void feedColumns(ColumnarBlock block, ColumnarRows batch, ElementSink root, BatchSink rootBatches)
      throws Exception {
    if (rootBatches == null) {
      try {
        emitAsElements(batch.values(block.from(), block.to()), batch.timestamp(), root);
      } finally {
        block.release();
      }
    } else if (block.ownsWholeBatch()) {
      rootBatches.accept((ColumnarRows) block.take());
    } else {
      ColumnarRows rows;
      try {
        rows = batch.slice(block.from(), block.to());
      } finally {
        block.release();
      }
      rootBatches.accept(rows);
    }
  }

  /** Runs the feed's next chunk through the stage as one bundle, as it is read. */
  @SuppressWarnings("unchecked")
  List<OutputBlock> apply(ElementFeed feed) throws Exception {
    return run(feed.transform(),
        (root, rootBatches, outputBytes) ->
            feed.feedChunk(element -> root.accept((WindowedValue<Object>) element), outputBytes));
  }

  /**
   * An actor of this stage: an instance of its own, set up now with the actor's devices as the
   * current {@link DeviceContext}, which every bundle and the teardown see as well.
   */
  Actor newActor(int actorIndex, List<Integer> deviceIds) throws Exception {
    DeviceContext devices = new DeviceContext(actorIndex, deviceIds, node.resources().gpus());
    StageInstance instance = DeviceContext.callWith(devices, StageInstance::new);
    return new Actor() {
      private boolean tornDown;

      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        try {
          // An actor keeps its core: it is the thread others yield to.
          return DeviceContext.callWith(devices, () -> instance.run(null, feederOf(bundle, CoreYield.NEVER)));
        } catch (Throwable t) {
          tearDown(t); // as Beam does: a DoFn that threw is torn down, not reused
          throw t;
        }
      }

      @Override
      public void close() throws Exception {
        tearDown(null);
      }

      private void tearDown(Throwable failure) throws Exception {
        if (!tornDown) {
          tornDown = true;
          DeviceContext.callWith(devices, () -> {
            instance.tearDown(failure);
            return null;
          });
        }
      }
    };
  }

  /**
   * Pushes one bundle's elements into the stage, which reports what it has emitted so far; columnar
   * batches go to {@code rootBatches}, null where the stage's head takes elements only.
   */
  private interface Feeder {
    void feed(ElementSink root, BatchSink rootBatches, LongSupplier outputBytes) throws Exception;
  }

  /**
   * @param feederTransform the transform whose code the feeder runs (its metrics go there), or null
   */
  private List<OutputBlock> run(String feederTransform, Feeder feeder) throws Exception {
    StageInstance instance = idle.poll();
    if (instance == null) {
      instance = new StageInstance();
      live.add(instance);
    }
    try {
      List<OutputBlock> outputs = instance.run(feederTransform, feeder);
      idle.add(instance);
      return outputs;
    } catch (Throwable t) {
      // A DoFn that threw is not reused: Beam tears such an instance down.
      live.remove(instance);
      instance.tearDown(t);
      throw t;
    }
  }

  @Override
  public void close() {
    for (StageInstance instance : live) {
      instance.tearDown(null);
    }
    live.clear();
    idle.clear();
  }

  /** Where an element goes next: a DoFn in the stage, the stage's output, or both. */
  private interface ElementSink {
    void accept(WindowedValue<Object> element);
  }

  /** Where a columnar batch goes next, taking it over: a columnar DoFn in the stage, or a columnar port. */
  private interface BatchSink {
    void accept(ColumnarRows batch) throws Exception;
  }

  /** A step of the stage; it takes elements itself, so a producer calls it with no hop in between. */
  private interface Node extends ElementSink {
    void start();

    void finish();

    void tearDown(Throwable failure);
  }

  private final class StageInstance {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<PCollection<?>, List<ElementSink>> consumers = new HashMap<>();
    /** Collections handed on as batches: to their one reader, a columnar DoFn, or to a columnar port. */
    private final Map<PCollection<?>, BatchSink> batchConsumers = new HashMap<>();
    private final InMemoryBundleFinalizer finalizer = new InMemoryBundleFinalizer();
    private final MetricsRouter router = new MetricsRouter();
    private TaskMetrics taskMetrics;
    private PortWriter[] builders;
    /** Per port feeding a lifted combine: the instance's own precombiner (CombineFn copy). */
    private final Map<Integer, Precombiner> precombiners = new HashMap<>();
    private List<OutputBlock> outputs;

    StageInstance() {
      try {
        for (TransformSpec spec : specs) {
          Node created;
          if (node.columnarSpecs().contains(spec)) {
            ColumnarNode columnar = new ColumnarNode((ParDoSpec) spec, this);
            batchConsumers.put(spec.inputs().get(0), columnar::acceptBatch);
            created = columnar;
          } else {
            created = spec instanceof ParDoSpec parDo ? new ParDoNode(parDo, this) : new WindowAssignNode((WindowAssignSpec) spec, this);
          }
          nodes.add(created);
          consumers.computeIfAbsent(spec.inputs().get(0), pc -> new ArrayList<>()).add(created);
        }
        List<PCollection<?>> ports = node.outputs();
        for (int port = 0; port < ports.size(); port++) {
          int p = port;
          consumers.computeIfAbsent(ports.get(port), pc -> new ArrayList<>()).add(e -> builders[p].add(e));
          if (node.columnarPorts().contains(port)) {
            batchConsumers.put(ports.get(port), batch -> ((ColumnarPortWriter) builders[p]).add(batch));
          }
        }
        // A batch is handed on only to a collection's one reader: where several read it, they get elements.
        batchConsumers.keySet().removeIf(collection -> consumers.get(collection).size() != 1);
      } catch (RuntimeException e) {
        tearDown(e);
        throw TransformFailedException.attribute(node.name(), e);
      }
    }

    /** Where {@code collection}'s batches go as they are, or null where they must become elements. */
    BatchSink batchSinkFor(PCollection<?> collection) {
      return batchConsumers.get(collection);
    }

    ElementSink sinkFor(PCollection<?> collection) {
      List<ElementSink> sinks = consumers.getOrDefault(collection, List.of());
      if (sinks.isEmpty()) {
        return e -> {};
      }
      if (sinks.size() == 1) {
        return sinks.get(0);
      }
      ElementSink[] all = sinks.toArray(new ElementSink[0]);
      return e -> {
        for (ElementSink sink : all) {
          sink.accept(e);
        }
      };
    }

    List<OutputBlock> run(String feederTransform, Feeder feeder) throws Exception {
      taskMetrics = new TaskMetrics();
      outputs = new ArrayList<>();
      List<PCollection<?>> ports = node.outputs();
      builders = new PortWriter[ports.size()];
      for (int port = 0; port < ports.size(); port++) {
        CombinePerKeySpec combine = node.precombined().get(ports.get(port));
        if (node.columnarPorts().contains(port)) {
          builders[port] = new ColumnarPortWriter(port, outputs);
        } else if (combine == null) {
          builders[port] = new BlockBuilder(port, ports.get(port).getCoder(), context.blockSize(), outputs);
        } else {
          Precombiner precombiner = precombiners.computeIfAbsent(port, p -> PrecombiningWriter.precombinerFor(combine, context.exchangePartitions()));
          builders[port] = new PrecombiningWriter(port, combine, precombiner, router,
              taskMetrics.containerFor(combine.name()), outputs);
        }
      }
      boolean succeeded = false;
      try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(router)) {
        for (Node n : nodes) {
          n.start();
        }
        // Through the sink rather than the first DoFn: the input may also leave the stage as is.
        ElementSink root = sinkFor(input);
        // Each DoFn node restores what it found: between elements, the feeder's code reports here.
        router.enter(feederTransform == null ? null : taskMetrics.containerFor(feederTransform));
        feeder.feed(root, batchSinkFor(input), this::outputBytes);
        for (Node n : nodes) {
          n.finish();
        }
        for (PortWriter builder : builders) {
          builder.seal();
        }
        succeeded = true;
      } finally {
        context.metrics().merge(taskMetrics, succeeded);
      }
      DoFnInstances.finalizeBundle(finalizer, node.name());
      return outputs;
    }

    /** What this bundle has emitted so far, sealed or buffered, in estimated bytes. */
    long outputBytes() {
      long total = 0;
      for (PortWriter builder : builders) {
        total += builder.bytes();
      }
      return total;
    }

    void tearDown(Throwable failure) {
      for (Node n : nodes) {
        try {
          n.tearDown(failure);
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          }
        }
      }
    }
  }

  private final class ParDoNode implements Node {
    private final ParDoSpec spec;
    private final DoFn<Object, Object> fn;
    private final DoFnRunner<Object, Object> runner;
    private final StageInstance instance;
    private Map<TupleTag<?>, ElementSink> sinks;
    private ElementSink mainSink;
    /** This task's container for this transform, looked up once per task rather than per element. */
    private MetricsContainer metrics;

    ParDoNode(ParDoSpec spec, StageInstance instance) {
      this.spec = spec;
      this.instance = instance;
      this.fn = DoFnInstances.setUp(spec.fn(), context.options());
      StepContext stepContext = new StepContext() {
        @Override
        public StateInternals stateInternals() {
          throw new UnsupportedOperationException(spec.name() + " uses no state");
        }

        @Override
        public TimerInternals timerInternals() {
          throw new UnsupportedOperationException(spec.name() + " uses no timers");
        }

        @Override
        public DoFn.BundleFinalizer bundleFinalizer() {
          return instance.finalizer;
        }
      };
      WindowedValueMultiReceiver receiver = new WindowedValueMultiReceiver() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> void output(TupleTag<T> tag, WindowedValue<T> output) {
          // Identity first: the fast path passes the very main-output tag, and TupleTag.equals compares strings.
          ElementSink sink = tag == spec.mainOutput() || tag.equals(spec.mainOutput()) ? mainSink : sinks.get(tag);
          if (sink != null) {
            sink.accept((WindowedValue<Object>) output);
          }
        }
      };
      this.runner = ParDoRunners.create(spec, fn, context, receiver, stepContext);
    }

    private void link() {
      if (sinks == null) {
        sinks = new HashMap<>();
        for (Map.Entry<TupleTag<?>, PCollection<?>> output : spec.outputs().entrySet()) {
          sinks.put(output.getKey(), instance.sinkFor(output.getValue()));
        }
        mainSink = sinks.get(spec.mainOutput());
      }
    }

    @Override
    public void start() {
      link();
      metrics = instance.taskMetrics.containerFor(spec.name());
      MetricsContainer previous = instance.router.enter(metrics);
      try {
        runner.startBundle();
      } catch (RuntimeException e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        instance.router.enter(previous);
      }
    }

    @Override
    public void accept(WindowedValue<Object> element) {
      MetricsContainer previous = instance.router.enter(metrics);
      try {
        runner.processElement(element);
      } catch (RuntimeException e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        instance.router.enter(previous);
      }
    }

    @Override
    public void finish() {
      MetricsContainer previous = instance.router.enter(metrics);
      try {
        runner.finishBundle();
      } catch (RuntimeException e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        instance.router.enter(previous);
      }
    }

    @Override
    public void tearDown(Throwable failure) {
      DoFnInstances.tearDown(fn, failure);
    }
  }

  /**
   * A columnar DoFn ({@link ColumnarDoFn}) run on whole batches: elements are gathered into
   * batches of its size (only the last of a bundle may be short); a batch of exactly that size
   * arriving as columns runs as it is. What it returns goes on as a batch where its collection's
   * one reader takes batches, else as elements, all at the batch's timestamp in the global window
   * (the plan gives such steps globally windowed input only).
   */
  private final class ColumnarNode implements Node {
    private final ParDoSpec spec;
    private final DoFn<Object, Object> fn;
    private final ColumnarDoFn columnar;
    private final int batchSize;
    private final StageInstance instance;
    private BatchSink batches;
    private ElementSink elements;
    private MetricsContainer metrics;
    private List<Object> pending = new ArrayList<>();
    private Instant pendingLatest = BoundedWindow.TIMESTAMP_MIN_VALUE;
    /** A short batch that came with nothing pending: it runs as it is if nothing follows it in the bundle. */
    private ColumnarRows shortBatch;

    ColumnarNode(ParDoSpec spec, StageInstance instance) {
      this.spec = spec;
      this.instance = instance;
      this.fn = DoFnInstances.setUp(spec.fn(), context.options());
      this.columnar = (ColumnarDoFn) fn;
      this.batchSize = columnar.batchSize();
    }

    @Override
    public void start() {
      if (elements == null) {
        PCollection<?> output = spec.outputs().get(spec.mainOutput());
        batches = instance.batchSinkFor(output);
        elements = instance.sinkFor(output);
      }
      metrics = instance.taskMetrics.containerFor(spec.name());
    }

    @Override
    public void accept(WindowedValue<Object> element) {
      unpackShortBatch();
      pending.add(element.getValue());
      pendingLatest = latest(pendingLatest, element.getTimestamp());
      if (batchSize > 0 && pending.size() >= batchSize) {
        runPending();
      }
    }

    /** Takes {@code batch} over. */
    void acceptBatch(ColumnarRows batch) {
      try {
        unpackShortBatch();
        if (pending.isEmpty() && (batchSize == 0 || batch.rows() == batchSize)) {
          ColumnarRows whole = batch;
          batch = null;
          run(whole);
          return;
        }
        if (pending.isEmpty() && batch.rows() < batchSize) {
          shortBatch = batch;
          batch = null;
          return;
        }
        int from = 0;
        if (pending.isEmpty()) {
          for (; from + batchSize <= batch.rows(); from += batchSize) {
            run(batch.slice(from, from + batchSize));
          }
        }
        // What is left joins the rows waiting for a batch: copied out of its columns.
        for (Object value : batch.values(from, batch.rows())) {
          pending.add(value);
          pendingLatest = latest(pendingLatest, batch.timestamp());
          if (batchSize > 0 && pending.size() >= batchSize) {
            runPending();
          }
        }
      } catch (RuntimeException e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        if (batch != null) {
          batch.close();
        }
      }
    }

    @Override
    public void finish() {
      if (shortBatch != null) {
        ColumnarRows last = shortBatch;
        shortBatch = null;
        run(last);
      } else if (!pending.isEmpty()) {
        runPending();
      }
    }

    /** More rows came after a short batch: its rows join them, copied out of its columns. */
    private void unpackShortBatch() {
      if (shortBatch == null) {
        return;
      }
      ColumnarRows batch = shortBatch;
      shortBatch = null;
      try {
        pending.addAll(batch.values(0, batch.rows()));
        pendingLatest = latest(pendingLatest, batch.timestamp());
      } finally {
        batch.close();
      }
    }

    private void runPending() {
      List<Object> values = pending;
      Instant timestamp = pendingLatest;
      pending = new ArrayList<>(values.size());
      pendingLatest = BoundedWindow.TIMESTAMP_MIN_VALUE;
      MetricsContainer previous = instance.router.enter(metrics);
      ColumnarRows batch;
      try {
        batch = columnar.toColumns(values, timestamp);
      } catch (Exception e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        instance.router.enter(previous);
      }
      run(batch);
    }

    /** Runs the DoFn on {@code input}, which it takes over, and passes on what it returns. */
    private void run(ColumnarRows input) {
      MetricsContainer previous = instance.router.enter(metrics);
      try {
        if (batches != null) {
          ColumnarRows output;
          try {
            output = columnar.processColumns(input);
          } finally {
            input.close();
          }
          if (output.rows() > 0) {
            batches.accept(output);
          } else {
            output.close();
          }
        } else {
          List<?> values;
          try {
            values = columnar.processColumnsToValues(input);
          } finally {
            input.close();
          }
          emitAsElements(values, input.timestamp(), elements);
        }
      } catch (Exception e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        instance.router.enter(previous);
      }
    }

    @Override
    public void tearDown(Throwable failure) {
      if (shortBatch != null) { // left by a failed bundle
        shortBatch.close();
        shortBatch = null;
      }
      DoFnInstances.tearDown(fn, failure);
    }
  }

  /** A columnar batch's rows as elements: all at the batch's timestamp, in the global window. */
  private static void emitAsElements(List<?> values, Instant timestamp, ElementSink sink) {
    for (Object value : values) {
      sink.accept(WindowedValues.timestampedValueInGlobalWindow(value, timestamp));
    }
  }

  private static Instant latest(Instant a, Instant b) {
    return b.isAfter(a) ? b : a;
  }

  private final class WindowAssignNode implements Node {
    private final WindowFn<Object, BoundedWindow> windowFn;
    private final WindowAssignSpec spec;
    private final StageInstance instance;
    private ElementSink sink;

    @SuppressWarnings("unchecked")
    WindowAssignNode(WindowAssignSpec spec, StageInstance instance) {
      this.spec = spec;
      this.instance = instance;
      this.windowFn = (WindowFn<Object, BoundedWindow>) spec.windowFn();
    }

    @Override
    public void start() {
      if (sink == null) {
        sink = instance.sinkFor(spec.output());
      }
    }

    @Override
    public void accept(WindowedValue<Object> element) {
      if (windowFn == null) {
        sink.accept(element);
        return;
      }
      for (WindowedValue<Object> single : element.explodeWindows()) {
        Collection<BoundedWindow> windows;
        try {
          windows = windowFn.assignWindows(windowFn.new AssignContext() {
            @Override
            public Object element() {
              return single.getValue();
            }

            @Override
            public Instant timestamp() {
              return single.getTimestamp();
            }

            @Override
            public BoundedWindow window() {
              return single.getWindows().iterator().next();
            }
          });
        } catch (Exception e) {
          throw TransformFailedException.attribute(spec.name(), e);
        }
        sink.accept(WindowedValues.of(single.getValue(), single.getTimestamp(), windows, single.getPaneInfo()));
      }
    }

    @Override
    public void finish() {}

    @Override
    public void tearDown(Throwable failure) {}
  }
}
