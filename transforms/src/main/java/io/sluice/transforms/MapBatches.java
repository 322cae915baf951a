package io.sluice.transforms;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.BatchSizeHint;
import io.sluice.runner.ColumnarDoFn;
import io.sluice.runner.ColumnarRows;
import io.sluice.transforms.arrow.ArrowBatchFunction;
import io.sluice.transforms.arrow.ArrowFormatUdf;
import io.sluice.transforms.arrow.ArrowSchemas;
import io.sluice.transforms.arrow.ArrowUdfFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
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
 * <p>Batch formats (Ray Data's {@code batch_format}): {@code List<T>} for any elements ({@link #of},
 * {@link #ofClass}); {@code List<Row>} for a schema'd PCollection, the same with {@code T = Row}
 * and {@link #withOutputSchema} giving the output its schema and coder; and Arrow ({@link
 * #ofArrow}, {@link #ofArrowClass}): the UDF receives each batch of a schema'd PCollection as an
 * Arrow {@code VectorSchemaRoot} and returns one, read back as rows of the declared output schema
 * (types mapped as in {@link ArrowSchemas}; who closes what is in {@link ArrowBatchFunction}).
 * On SluiceRunner, a batch one Arrow MapBatches returns reaches the next Arrow MapBatches as it is,
 * with no copy, where it is the only step to read it; elsewhere batches are copied from and to rows.
 *
 * <pre>{@code
 * PCollection<Row> scored = rows.apply(MapBatches.ofArrow(AddScore::apply)
 *     .withBatchSize(1024).withOutputSchema(SCORED));
 * }</pre>
 *
 * <p>It expands into one ParDo that batches elements per window, flushing a short batch when its
 * bundle ends, and carries its needs as Beam resource hints (accelerator, cpu_count, min_ram) plus
 * Sluice's actor-pool and batch-size hints, which other runners ignore. So every runner gives the
 * same results; SluiceRunner additionally runs class UDFs on an autoscaling actor pool that hands
 * them bundles of whole batches (only the last batch of the run is short), and gives GPU actors
 * their devices ({@code DeviceContext}). A function UDF runs fused into the step before it, its
 * batches spanning what that step hands it per task.
 */
public final class MapBatches<InputT, OutputT> extends PTransform<PCollection<InputT>, PCollection<OutputT>> {
  // Set only while a new transform is built (of, ofClass, and the copy each with-method returns).
  private SerializableFunction<List<InputT>, List<OutputT>> function;
  private UdfFactory<InputT, OutputT> factory;
  private ArrowUdfFactory arrowFactory;
  private boolean arrowClassUdf;
  private int batchSize;
  private Duration maxBatchDelay;
  private ActorPool actorPool;
  private Compute compute = Compute.DEFAULT;
  private boolean preservesRowCount;
  private Coder<OutputT> outputCoder;
  private Schema outputSchema;

  private MapBatches() {}

  /** A copy to change one setting in: MapBatches, like every PTransform builder, is immutable to callers. */
  private MapBatches<InputT, OutputT> copy() {
    MapBatches<InputT, OutputT> copy = new MapBatches<>();
    copy.function = function;
    copy.factory = factory;
    copy.arrowFactory = arrowFactory;
    copy.arrowClassUdf = arrowClassUdf;
    copy.batchSize = batchSize;
    copy.maxBatchDelay = maxBatchDelay;
    copy.actorPool = actorPool;
    copy.compute = compute;
    copy.preservesRowCount = preservesRowCount;
    copy.outputCoder = outputCoder;
    copy.outputSchema = outputSchema;
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

  /**
   * An Arrow function UDF over a schema'd PCollection: each batch arrives as a VectorSchemaRoot of
   * the input schema, and the root it returns is read as rows of {@link #withOutputSchema}'s
   * schema, which is required.
   */
  public static <InputT> MapBatches<InputT, Row> ofArrow(ArrowBatchFunction function) {
    if (function == null) {
      throw new IllegalArgumentException("MapBatches.ofArrow: function must not be null");
    }
    MapBatches<InputT, Row> transform = new MapBatches<>();
    transform.arrowFactory = ArrowFormatUdf.udfs(function);
    return transform;
  }

  /** An Arrow class UDF: as {@link #ofArrow}, each instance set up once; needs an actor pool. */
  public static <InputT> MapBatches<InputT, Row> ofArrowClass(ArrowUdfFactory factory) {
    if (factory == null) {
      throw new IllegalArgumentException("MapBatches.ofArrowClass: factory must not be null");
    }
    MapBatches<InputT, Row> transform = new MapBatches<>();
    transform.arrowFactory = factory;
    transform.arrowClassUdf = true;
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

  /**
   * The longest a partial batch waits for more elements: when an element arrives and the batch's
   * first element has waited this long, the batch goes to the UDF short. Bundle ends always flush,
   * so this matters where elements trickle in within a bundle (a slow step fused before this one);
   * on SluiceRunner an actor pool's bundles arrive as whole batches.
   */
  public MapBatches<InputT, OutputT> withMaxBatchDelay(Duration delay) {
    if (delay == null || delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("MapBatches maxBatchDelay must be positive, was " + delay);
    }
    MapBatches<InputT, OutputT> next = copy();
    next.maxBatchDelay = delay;
    return next;
  }

  /** Runs the class UDF on long-lived actors, autoscaled within the pool's sizes. */
  public MapBatches<InputT, OutputT> withActorPool(ActorPool pool) {
    if (!isClassUdf()) {
      throw new IllegalArgumentException("MapBatches withActorPool needs a class UDF (MapBatches.ofClass or ofArrowClass): "
          + "a function has no state for an actor to keep");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.actorPool = pool;
    return next;
  }

  /** Runs the function UDF as stateless tasks, at most {@code pool.size()} at once. */
  public MapBatches<InputT, OutputT> withTaskPool(TaskPool pool) {
    if (isClassUdf()) {
      throw new IllegalArgumentException("MapBatches withTaskPool needs a function UDF (MapBatches.of or ofArrow): "
          + "a class UDF runs on an actor pool (withActorPool)");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.compute = compute.withConcurrency(pool.size());
    return next;
  }

  /** CPUs each task or actor holds while it works (Beam's cpu_count hint). */
  public MapBatches<InputT, OutputT> withCpus(int count) {
    MapBatches<InputT, OutputT> next = copy();
    next.compute = compute.withCpus(count);
    return next;
  }

  /** GPUs each actor holds; a fraction below 1 shares a device (Beam's accelerator hint). */
  public MapBatches<InputT, OutputT> withGpus(double count) {
    MapBatches<InputT, OutputT> next = copy();
    next.compute = compute.withGpus(count);
    return next;
  }

  /** Bytes of memory each task or actor needs (Beam's min_ram hint). */
  public MapBatches<InputT, OutputT> withMemory(long bytes) {
    MapBatches<InputT, OutputT> next = copy();
    next.compute = compute.withMemory(bytes);
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
    if (arrowFactory != null) {
      throw new IllegalArgumentException("MapBatches withOutputCoder does not apply to an Arrow UDF, whose "
          + "outputs are rows: set withOutputSchema(schema)");
    }
    if (outputSchema != null) {
      throw new IllegalArgumentException("MapBatches has an output schema, which sets its coder: "
          + "set withOutputSchema or withOutputCoder, not both");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.outputCoder = coder;
    return next;
  }

  /**
   * The schema of the output rows, which then get a schema coder (so schema transforms apply
   * downstream). Required for an Arrow UDF; for a UDF returning {@code List<Row>}, every output row
   * is checked to have this schema.
   */
  public MapBatches<InputT, OutputT> withOutputSchema(Schema schema) {
    if (schema == null) {
      throw new IllegalArgumentException("MapBatches withOutputSchema: schema must not be null");
    }
    if (outputCoder != null) {
      throw new IllegalArgumentException("MapBatches has an output coder: set withOutputSchema or "
          + "withOutputCoder, not both");
    }
    MapBatches<InputT, OutputT> next = copy();
    next.outputSchema = schema;
    return next;
  }

  private boolean isClassUdf() {
    return factory != null || arrowClassUdf;
  }

  @Override
  public PCollection<OutputT> expand(PCollection<InputT> input) {
    if (compute.gpus() > 0 && batchSize == 0) {
      throw new IllegalArgumentException("MapBatches requests " + compute.gpus()
          + " GPUs but no batch size: set withBatchSize(n), as Ray Data requires for GPU UDFs");
    }
    if (isClassUdf() && actorPool == null) {
      throw new IllegalArgumentException("MapBatches "
          + "has a class UDF but no actor pool: set withActorPool(ActorPool.of(min, max))");
    }
    if (arrowFactory != null && outputSchema == null) {
      throw new IllegalArgumentException("MapBatches "
          + "has an Arrow UDF but no output schema: set withOutputSchema(schema) for the rows it returns");
    }
    if (outputCoder == null && outputSchema == null) {
      throw new IllegalArgumentException("MapBatches "
          + "needs withOutputCoder(coder) or, for rows, withOutputSchema(schema): a UDF's output type cannot be inferred");
    }
    UdfFactory<InputT, OutputT> udfs = arrowFactory != null ? arrowFormat(input) : factory;
    ResourceHints hints = compute.toHints();
    if (batchSize > 0) {
      hints = BatchSizeHint.add(hints, BatchSizeHint.of(batchSize));
    }
    if (actorPool != null) {
      hints = ActorPoolHint.add(hints, ActorPoolHint.of(actorPool.config().minSize(), actorPool.config().maxSize(),
          actorPool.config().initialSize(), actorPool.config().maxTasksInFlightPerActor()));
    }
    Batching<InputT, OutputT> batching = new Batching<>(function, udfs, batchSize,
        maxBatchDelay == null ? 0 : maxBatchDelay.toNanos(), preservesRowCount, outputSchema);
    return input
        .apply("Batches", ParDo.of(arrowFactory != null ? arrowBatchingFn(batching) : new BatchingFn<>(batching))
            .setResourceHints(hints))
        .setCoder(outputCoder != null ? outputCoder : rowCoder(outputSchema));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <InputT, OutputT> DoFn<InputT, OutputT> arrowBatchingFn(Batching<InputT, OutputT> batching) {
    return (DoFn) new ArrowBatchingFn<>((Batching) batching);
  }

  /** The Arrow UDF wrapped as a UDF over elements, once the input's schema is known. */
  @SuppressWarnings("unchecked")
  private UdfFactory<InputT, OutputT> arrowFormat(PCollection<InputT> input) {
    if (!input.hasSchema()) {
      throw new IllegalArgumentException("MapBatches has an Arrow UDF, which needs a schema'd "
          + "input (rows, or a type with a schema), but " + input.getName() + " has coder " + input.getCoder());
    }
    checkArrowForm("input", input.getSchema());
    checkArrowForm("output", outputSchema);
    ArrowFormatUdf.Format<InputT> format =
        new ArrowFormatUdf.Format<>(getName(), input.getSchema(), input.getToRowFunction(), outputSchema);
    return (UdfFactory<InputT, OutputT>) (UdfFactory<InputT, ?>) ArrowFormatUdf.factory(format, arrowFactory);
  }

  private void checkArrowForm(String side, Schema schema) {
    try {
      ArrowSchemas.toArrowSchema(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MapBatches: the " + side + " schema has no Arrow form: "
          + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <OutputT> Coder<OutputT> rowCoder(Schema schema) {
    return (Coder<OutputT>) (Coder<?>) RowCoder.of(schema);
  }

  /** How BatchingFn batches and checks: everything but the UDF instance it builds at setup. */
  record Batching<InputT, OutputT>(
      SerializableFunction<List<InputT>, List<OutputT>> function,
      UdfFactory<InputT, OutputT> factory,
      int batchSize,
      long maxDelayNanos,
      boolean preservesRowCount,
      Schema outputSchema) implements java.io.Serializable {}

  /**
   * Buffers elements per window and applies the UDF to each full batch, to a partial batch whose
   * first element has waited past the maximum delay, and to what is left when the bundle ends (Beam
   * allows no output after that). Outputs take their batch's window and its latest input timestamp.
   */
  static class BatchingFn<InputT, OutputT> extends DoFn<InputT, OutputT> {
    final Batching<InputT, OutputT> batching;
    transient BatchUdf<InputT, OutputT> udf;
    private transient Map<BoundedWindow, Batch<InputT>> batches;
    private transient BoundedWindow lastWindow;
    private transient Batch<InputT> lastBatch;
    /** The last schema instance found equal to the output schema: UDFs reuse one, and equals is costly. */
    private transient Schema lastMatchingSchema;

    BatchingFn(Batching<InputT, OutputT> batching) {
      this.batching = batching;
    }

    @Setup
    public void setup() throws Exception {
      udf = batching.factory() != null ? batching.factory().create() : batching.function()::apply;
      udf.setup();
    }

    @StartBundle
    public void startBundle() {
      batches = new HashMap<>();
      lastWindow = null;
      lastBatch = null;
    }

    @ProcessElement
    public void process(@Element InputT element, @Timestamp Instant timestamp, BoundedWindow window,
        OutputReceiver<OutputT> out) throws Exception {
      // Consecutive elements nearly always share a window: skip the map lookup for those.
      Batch<InputT> batch = window.equals(lastWindow) ? lastBatch : null;
      if (batch == null) {
        batch = batches.computeIfAbsent(window, w -> new Batch<>(batching.maxDelayNanos() > 0));
        lastWindow = window;
        lastBatch = batch;
      }
      batch.add(element, timestamp);
      boolean full = batching.batchSize() > 0 && batch.elements.size() >= batching.batchSize();
      boolean overdue = batching.maxDelayNanos() > 0 && System.nanoTime() - batch.firstNanos >= batching.maxDelayNanos();
      if (full || overdue) {
        batches.remove(window);
        lastBatch = null;
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
      lastBatch = null;
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
        throw new IllegalStateException("MapBatches: the UDF returned null for a batch of "
            + batch.size() + "; return an empty list for no output");
      }
      checkRowCount(batch.size(), outputs.size());
      if (batching.outputSchema() != null) {
        for (OutputT output : outputs) {
          checkSchema(output);
        }
      }
      return outputs;
    }

    void checkRowCount(int inputRows, int outputRows) {
      if (batching.preservesRowCount() && outputRows != inputRows) {
        throw new IllegalStateException("MapBatches declares preservesRowCount(), but its UDF "
            + "returned " + outputRows + " rows for a batch of " + inputRows);
      }
    }

    private void checkSchema(OutputT output) {
      Schema expected = batching.outputSchema();
      Schema schema = output instanceof Row row ? row.getSchema() : null;
      if (schema == lastMatchingSchema && schema != null) {
        return;
      }
      if (expected.equals(schema)) {
        lastMatchingSchema = schema;
      } else {
        throw new IllegalStateException("MapBatches declares withOutputSchema, but its UDF "
            + "returned " + (schema == null ? "a " + (output == null ? "null" : output.getClass().getName())
            : "a row of another schema: " + schema) + "; the output schema is " + expected);
      }
    }
  }

  /**
   * The Arrow format's batching DoFn, which SluiceRunner may hand whole Arrow batches ({@link
   * ColumnarDoFn}): a batch another Arrow MapBatches returned then reaches the UDF with no copy.
   */
  static final class ArrowBatchingFn<InputT> extends BatchingFn<InputT, Row> implements ColumnarDoFn {
    ArrowBatchingFn(Batching<InputT, Row> batching) {
      super(batching);
    }

    @Override
    public int batchSize() {
      return batching.batchSize();
    }

    @Override
    public ColumnarRows toColumns(List<?> values, Instant timestamp) {
      return arrowUdf().toColumns(values, timestamp);
    }

    @Override
    public ColumnarRows processColumns(ColumnarRows batch) throws Exception {
      ColumnarRows output = arrowUdf().processColumns(batch);
      try {
        checkRowCount(batch.rows(), output.rows());
      } catch (RuntimeException e) {
        output.close();
        throw e;
      }
      return output;
    }

    @Override
    public List<?> processColumnsToValues(ColumnarRows batch) throws Exception {
      List<Row> output = arrowUdf().processColumnsToRows(batch);
      checkRowCount(batch.rows(), output.size());
      return output;
    }

    private ArrowFormatUdf<InputT> arrowUdf() {
      return (ArrowFormatUdf<InputT>) udf;
    }
  }

  private static final class Batch<T> {
    final List<T> elements = new ArrayList<>();
    /** When the first element came, if a maximum delay is set (reading the clock costs per element). */
    final long firstNanos;
    Instant latest = BoundedWindow.TIMESTAMP_MIN_VALUE;

    Batch(boolean timed) {
      this.firstNanos = timed ? System.nanoTime() : 0;
    }

    void add(T element, Instant timestamp) {
      elements.add(element);
      if (timestamp.isAfter(latest)) {
        latest = timestamp;
      }
    }
  }
}
