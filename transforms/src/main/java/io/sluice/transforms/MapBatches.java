package io.sluice.transforms;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.BatchSizeHint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Ray Data's {@code map_batches} as a portable Beam transform: a UDF applied to batches of
 * elements, either a function (runs as stateless tasks) or a class UDF built by a {@link
 * UdfFactory} (set up once per instance, on an actor pool on SluiceRunner).
 *
 * <pre>{@code
 * PCollection<float[]> embeddings = texts.apply(MapBatches
 *     .ofClass((UdfFactory<String, float[]>) EmbedUdf::new)
 *     .withBatchSize(64).withGpus(1).withActorPool(ActorPool.of(1, 4))
 *     .withOutputCoder(SerializableCoder.of(float[].class)));
 * }</pre>
 *
 * <p>It expands into one ParDo that batches elements per window, flushing a short batch when its
 * bundle ends, and carries its needs as Beam resource hints (accelerator, cpu_count, min_ram) plus
 * Sluice's actor-pool and batch-size hints, which other runners ignore. So every runner gives the
 * same results; SluiceRunner additionally hands the ParDo bundles of whole batches (only the last
 * batch of the run is short), runs class UDFs on an autoscaling actor pool, and gives GPU actors
 * their devices ({@code DeviceContext}).
 */
public final class MapBatches<InputT, OutputT> extends PTransform<PCollection<InputT>, PCollection<OutputT>> {
  // Set only while a new transform is built (of, ofClass, and the copy each with-method returns).
  private SerializableFunction<List<InputT>, List<OutputT>> function;
  private UdfFactory<InputT, OutputT> factory;
  private int batchSize;
  private ActorPool actorPool;
  private TaskPool taskPool;
  private int cpus = -1;
  private double gpus;
  private long memoryBytes;
  private boolean preservesRowCount;
  private Coder<OutputT> outputCoder;

  private MapBatches() {}

  /** A copy to change one setting in: MapBatches, like every PTransform builder, is immutable to callers. */
  private MapBatches<InputT, OutputT> copy() {
    MapBatches<InputT, OutputT> copy = new MapBatches<>();
    copy.function = function;
    copy.factory = factory;
    copy.batchSize = batchSize;
    copy.actorPool = actorPool;
    copy.taskPool = taskPool;
    copy.cpus = cpus;
    copy.gpus = gpus;
    copy.memoryBytes = memoryBytes;
    copy.preservesRowCount = preservesRowCount;
    copy.outputCoder = outputCoder;
    return copy;
  }

  /** A function UDF: stateless, applied to each batch as a task. */
  public static <InputT, OutputT> MapBatches<InputT, OutputT> of(
      SerializableFunction<List<InputT>, List<OutputT>> function) {
    if (function == null) {
      throw new IllegalArgumentException("MapBatches.of: function must not be null");
    }
    MapBatches<InputT, OutputT> transform = new MapBatches<>();
    transform.function = function;
    return transform;
  }

  /** A class UDF: each instance set up once and applied to many batches; needs an actor pool. */
  public static <InputT, OutputT> MapBatches<InputT, OutputT> ofClass(UdfFactory<InputT, OutputT> factory) {
    if (factory == null) {
      throw new IllegalArgumentException("MapBatches.ofClass: factory must not be null");
    }
    MapBatches<InputT, OutputT> transform = new MapBatches<>();
    transform.factory = factory;
    return transform;
  }

  /** Exactly this many elements per batch (only the last may be smaller on SluiceRunner). Required with GPUs. */
  public MapBatches<InputT, OutputT> withBatchSize(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("MapBatches batchSize must be >= 1, was " + size);
    }
    MapBatches<InputT, OutputT> next = copy();
    next.batchSize = size;
    return next;
  }

  /** Runs the class UDF on long-lived actors, autoscaled within the pool's sizes. */
  public MapBatches<InputT, OutputT> withActorPool(ActorPool pool) {
    if (factory == null) {
      throw new IllegalArgumentException("MapBatches withActorPool needs a class UDF (MapBatches.ofClass): "
          + "a function has no state for an actor to keep");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.actorPool = pool;
    return next;
  }

  /** Runs the function UDF as stateless tasks, at most {@code pool.size()} at once. */
  public MapBatches<InputT, OutputT> withTaskPool(TaskPool pool) {
    if (factory != null) {
      throw new IllegalArgumentException("MapBatches withTaskPool needs a function UDF (MapBatches.of): "
          + "a class UDF runs on an actor pool (withActorPool)");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.taskPool = pool;
    return next;
  }

  /** CPUs each task or actor holds while it works (Beam's cpu_count hint). */
  public MapBatches<InputT, OutputT> withCpus(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("MapBatches cpus must be >= 0, was " + count);
    }
    MapBatches<InputT, OutputT> next = copy();
    next.cpus = count;
    return next;
  }

  /** GPUs each actor holds; a fraction below 1 shares a device (Beam's accelerator hint). */
  public MapBatches<InputT, OutputT> withGpus(double count) {
    if (!(count >= 0) || (count > 1 && count != Math.rint(count))) {
      throw new IllegalArgumentException(
          "MapBatches gpus must be a share below 1 (e.g. 0.5) or a whole number, was " + count);
    }
    MapBatches<InputT, OutputT> next = copy();
    next.gpus = count;
    return next;
  }

  /** Bytes of memory each task or actor needs (Beam's min_ram hint). */
  public MapBatches<InputT, OutputT> withMemory(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("MapBatches memory must be >= 0 bytes, was " + bytes);
    }
    MapBatches<InputT, OutputT> next = copy();
    next.memoryBytes = bytes;
    return next;
  }

  /** Declares that the UDF returns exactly one output per input; checked on every batch. */
  public MapBatches<InputT, OutputT> preservesRowCount() {
    MapBatches<InputT, OutputT> next = copy();
    next.preservesRowCount = true;
    return next;
  }

  /** The coder of the UDF's outputs, which cannot be inferred from a UDF's erased types. */
  public MapBatches<InputT, OutputT> withOutputCoder(Coder<OutputT> coder) {
    MapBatches<InputT, OutputT> next = copy();
    next.outputCoder = coder;
    return next;
  }

  @Override
  public PCollection<OutputT> expand(PCollection<InputT> input) {
    if (gpus > 0 && batchSize == 0) {
      throw new IllegalArgumentException("MapBatches '" + getName() + "' requests " + gpus
          + " GPUs but no batch size: set withBatchSize(n), as Ray Data requires for GPU UDFs");
    }
    if (factory != null && actorPool == null) {
      throw new IllegalArgumentException("MapBatches '" + getName()
          + "' has a class UDF but no actor pool: set withActorPool(ActorPool.of(min, max))");
    }
    if (outputCoder == null) {
      throw new IllegalArgumentException("MapBatches '" + getName()
          + "' needs withOutputCoder(coder): a UDF's output type cannot be inferred");
    }
    ResourceHints hints = ResourceHints.create();
    if (cpus >= 0) {
      hints = hints.withCPUCount(cpus);
    }
    if (gpus > 0) {
      hints = hints.withAccelerator("type:gpu;count:" + gpus);
    }
    if (memoryBytes > 0) {
      hints = hints.withMinRam(memoryBytes);
    }
    if (taskPool != null) {
      hints = hints.withMaxActiveBundlesPerWorker(taskPool.size());
    }
    if (batchSize > 0) {
      hints = BatchSizeHint.add(hints, BatchSizeHint.of(batchSize));
    }
    if (actorPool != null) {
      hints = ActorPoolHint.add(hints, ActorPoolHint.of(actorPool.config().minSize(), actorPool.config().maxSize(),
          actorPool.config().initialSize(), actorPool.config().maxTasksInFlightPerActor()));
    }
    return input
        .apply("Batches", ParDo.of(new BatchingFn<>(getName(), function, factory, batchSize, preservesRowCount))
            .setResourceHints(hints))
        .setCoder(outputCoder);
  }

  /**
   * Buffers elements per window and applies the UDF to each full batch, and to what is left when
   * the bundle ends (Beam allows no output after that). Outputs take their batch's window and its
   * latest input timestamp.
   */
  static final class BatchingFn<InputT, OutputT> extends DoFn<InputT, OutputT> {
    /** The transform's own name (a DoFn cannot see its applied name; runners add that to errors). */
    private final String transform;
    private final SerializableFunction<List<InputT>, List<OutputT>> function;
    private final UdfFactory<InputT, OutputT> factory;
    private final int batchSize;
    private final boolean preservesRowCount;
    private transient BatchUdf<InputT, OutputT> udf;
    private transient Map<BoundedWindow, Batch<InputT>> batches;

    BatchingFn(String transform, SerializableFunction<List<InputT>, List<OutputT>> function,
        UdfFactory<InputT, OutputT> factory, int batchSize, boolean preservesRowCount) {
      this.transform = transform;
      this.function = function;
      this.factory = factory;
      this.batchSize = batchSize;
      this.preservesRowCount = preservesRowCount;
    }

    @Setup
    public void setup() throws Exception {
      udf = factory != null ? factory.create() : function::apply;
      udf.setup();
    }

    @StartBundle
    public void startBundle() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element InputT element, @Timestamp Instant timestamp, BoundedWindow window,
        OutputReceiver<OutputT> out) throws Exception {
      Batch<InputT> batch = batches.computeIfAbsent(window, w -> new Batch<>());
      batch.add(element, timestamp);
      if (batchSize > 0 && batch.elements.size() >= batchSize) {
        batches.remove(window);
        for (OutputT output : apply(batch.elements)) {
          out.outputWithTimestamp(output, batch.latest);
        }
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws Exception {
      for (Map.Entry<BoundedWindow, Batch<InputT>> entry : batches.entrySet()) {
        for (OutputT output : apply(entry.getValue().elements)) {
          context.output(output, entry.getValue().latest, entry.getKey());
        }
      }
      batches.clear();
    }

    @Teardown
    public void teardown() throws Exception {
      if (udf != null) {
        udf.close();
      }
    }

    private List<OutputT> apply(List<InputT> batch) throws Exception {
      List<OutputT> outputs = udf.apply(batch);
      if (outputs == null) {
        throw new IllegalStateException("MapBatches (" + transform + "): the UDF returned null for a batch of "
            + batch.size() + "; return an empty list for no output");
      }
      if (preservesRowCount && outputs.size() != batch.size()) {
        throw new IllegalStateException("MapBatches (" + transform + ") declares preservesRowCount(), but its UDF "
            + "returned " + outputs.size() + " rows for a batch of " + batch.size());
      }
      return outputs;
    }
  }

  private static final class Batch<T> {
    final List<T> elements = new ArrayList<>();
    Instant latest = BoundedWindow.TIMESTAMP_MIN_VALUE;

    void add(T element, Instant timestamp) {
      elements.add(element);
      if (timestamp.isAfter(latest)) {
        latest = timestamp;
      }
    }
  }
}
