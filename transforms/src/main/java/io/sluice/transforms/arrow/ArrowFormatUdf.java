package io.sluice.transforms.arrow;

import io.sluice.runner.ColumnarRows;
import io.sluice.transforms.BatchUdf;
import io.sluice.transforms.UdfFactory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * MapBatches' Arrow batch format: a {@link BatchUdf} over schema'd elements that hands an Arrow
 * UDF each batch as a {@link VectorSchemaRoot} and reads the root it returns as rows of the
 * declared output schema. On SluiceRunner it also runs on batches already in Arrow form ({@link
 * #processColumns}), returning the UDF's root as it is where it has the output schema's layout.
 *
 * <p>Memory: each instance has an allocator under {@link ArrowMemory}'s root, made at setup and
 * closed at close; each batch gets a child allocator. After the UDF returns, the input root and
 * the returned root are closed (or, on the columnar path, the returned buffers move to the
 * columnar blocks' allocator), and the batch's allocator must then hold nothing: what the UDF
 * allocated and neither returned nor closed fails the batch as a leak instead of piling up.
 *
 * <p>A close that comes while a batch runs (DirectRunner tears a failed run's DoFns down while
 * other threads' bundles are still in them) is put off until that batch ends: closing the UDF or
 * the allocator under a running batch would fail it with a misleading leak, or worse for a UDF
 * holding native resources.
 */
public final class ArrowFormatUdf<InputT> implements BatchUdf<InputT, Row> {
  /** What the format needs besides the UDF, fixed when MapBatches is expanded. */
  public record Format<InputT>(String transform, Schema inputSchema, SerializableFunction<InputT, Row> toRow,
      Schema outputSchema) implements Serializable {}

  private final Format<InputT> format;
  private final ArrowBatchUdf udf;
  private BufferAllocator allocator;
  /** The output schema as ArrowRowWriter lays it out: a returned root in this form is passed on as it is. */
  private List<Field> outputLayout;
  /** Batches running now; guarded by this. */
  private int batchesRunning;
  /** close() has been called; the last batch to end then closes, if one was running. Guarded by this. */
  private boolean closeRequested;

  private ArrowFormatUdf(Format<InputT> format, ArrowBatchUdf udf) {
    this.format = format;
    this.udf = udf;
  }

  /** Builds, on the worker, the format around a UDF from {@code udfs}. */
  public static <InputT> UdfFactory<InputT, Row> factory(Format<InputT> format, ArrowUdfFactory udfs) {
    return () -> new ArrowFormatUdf<>(format, udfs.create());
  }

  /** A function UDF as a class UDF without state of its own. */
  public static ArrowUdfFactory udfs(ArrowBatchFunction function) {
    return () -> function::apply;
  }

  @Override
  public void setup() throws Exception {
    allocator = ArrowMemory.newAllocator("MapBatches " + format.transform());
    outputLayout = ArrowSchemas.toArrowSchema(format.outputSchema()).getFields();
    udf.setup();
  }

  @Override
  public List<Row> apply(List<InputT> batch) throws Exception {
    return run(batchAllocator -> toArrow(batch, batchAllocator), true, this::toRows);
  }

  /** A batch of input elements in Arrow form, for {@link #processColumns}; the caller closes it. */
  public ColumnarRows toColumns(List<?> values, Instant timestamp) {
    @SuppressWarnings("unchecked")
    List<InputT> batch = (List<InputT>) values;
    return new ArrowColumnarRows(toArrow(batch, ArrowMemory.columnarBlocks()), format.inputSchema(), timestamp);
  }

  /**
   * The UDF applied to a batch already in Arrow form, for another Arrow step. The input stays the
   * caller's; the result, also the caller's, holds the UDF's own buffers where its columns have the
   * output schema's layout (no copy), else the rows it holds written out in that layout.
   */
  public ColumnarRows processColumns(ColumnarRows batch) throws Exception {
    return new ArrowColumnarRows(runOnColumns(batch, this::takeOver), format.outputSchema(), batch.timestamp());
  }

  /** The UDF applied to a batch already in Arrow form, its output read as rows. The input stays the caller's. */
  public List<Row> processColumnsToRows(ColumnarRows batch) throws Exception {
    return runOnColumns(batch, this::toRows);
  }

  /** Runs the UDF on the batch's root if it holds rows of the input schema, else on a copy that does. */
  private <R> R runOnColumns(ColumnarRows batch, RootReader<R> reader) throws Exception {
    if (batch instanceof ArrowColumnarRows arrow && arrow.schema().equals(format.inputSchema())) {
      return run(batchAllocator -> arrow.root(), false, reader);
    }
    try (ColumnarRows copy = toColumns(batch.values(0, batch.rows()), batch.timestamp())) {
      return runOnColumns(copy, reader);
    }
  }

  @Override
  public void close() throws Exception {
    synchronized (this) {
      if (closeRequested) {
        return;
      }
      closeRequested = true;
      if (batchesRunning > 0) {
        return;
      }
    }
    Exception failure = closeUdfAndAllocator(null);
    if (failure != null) {
      throw failure;
    }
  }

  private Exception closeUdfAndAllocator(Exception failure) {
    failure = close(udf, failure);
    return close(allocator, failure);
  }

  /** Bytes held by this instance's allocator: zero between batches. */
  long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  private interface RootSource {
    VectorSchemaRoot open(BufferAllocator batchAllocator) throws Exception;
  }

  private interface RootReader<R> {
    R read(VectorSchemaRoot output, int inputRows) throws Exception;
  }

  /** {@link #runBatch}, counted as running, so that a close meanwhile waits for it to end. */
  private <R> R run(RootSource source, boolean closeInput, RootReader<R> reader) throws Exception {
    synchronized (this) {
      if (closeRequested) {
        throw new IllegalStateException(prefix() + "the UDF was closed (its DoFn torn down) before this batch");
      }
      batchesRunning++;
    }
    R result = null;
    Exception failure = null;
    try {
      result = runBatch(source, closeInput, reader);
    } catch (Exception e) {
      failure = e;
    } finally {
      boolean closeNow;
      synchronized (this) {
        closeNow = --batchesRunning == 0 && closeRequested;
      }
      if (closeNow) {
        failure = closeUdfAndAllocator(failure);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  /**
   * Runs the UDF on one batch and reads what it returns with {@code reader}, then closes the
   * returned root (and the input, if {@code closeInput}) and checks that the batch leaked nothing.
   */
  private <R> R runBatch(RootSource source, boolean closeInput, RootReader<R> reader) throws Exception {
    BufferAllocator batchAllocator = allocator.newChildAllocator("MapBatches " + format.transform(), 0, Long.MAX_VALUE);
    VectorSchemaRoot input = null;
    VectorSchemaRoot output = null;
    R result = null;
    Exception failure = null;
    try {
      input = source.open(batchAllocator);
      output = udf.apply(input, batchAllocator);
      if (output == null) {
        throw new IllegalStateException(prefix() + "the Arrow UDF returned null for a batch of " + input.getRowCount()
            + " rows; return a root with no rows for no output");
      }
      result = reader.read(output, input.getRowCount());
    } catch (Exception e) {
      failure = e;
    }
    if (output != input) {
      failure = close(output, failure);
    }
    if (closeInput) {
      failure = close(input, failure);
    }
    long leaked = batchAllocator.getAllocatedMemory();
    if (failure == null && leaked > 0) {
      failure = new IllegalStateException(prefix() + "the Arrow UDF left " + leaked + " bytes allocated after its "
          + "batch: close the vectors it allocates and does not return");
    }
    failure = close(batchAllocator, failure);
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  private VectorSchemaRoot toArrow(List<InputT> batch, BufferAllocator batchAllocator) {
    try {
      return ArrowRows.toArrow(format.inputSchema(), () -> batch.stream().map(format.toRow()::apply).iterator(),
          batch.size(), batchAllocator);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(prefix() + "an input row cannot be converted to Arrow: " + e.getMessage(), e);
    }
  }

  private List<Row> toRows(VectorSchemaRoot output, int inputRows) {
    try {
      return ArrowRowReader.of(output, format.outputSchema()).readAll();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(prefix() + "the Arrow UDF returned a batch that does not fit the output "
          + "schema: " + e.getMessage() + ". Output schema (withOutputSchema) as Arrow: "
          + ArrowSchemas.toArrowSchema(format.outputSchema()) + "; returned: " + output.getSchema(), e);
    }
  }

  /**
   * The returned root's buffers, moved (not copied) to the columnar blocks' allocator, where its
   * columns have the output layout; otherwise its rows, checked as {@link #toRows} does, written
   * out in that layout. Either way the next step gets what it would get from rows.
   */
  private VectorSchemaRoot takeOver(VectorSchemaRoot output, int inputRows) {
    List<FieldVector> columns = inOutputLayout(output);
    if (columns == null) {
      return ArrowRows.toArrow(format.outputSchema(), toRows(output, inputRows), ArrowMemory.columnarBlocks());
    }
    for (FieldVector column : columns) {
      checkNoNulls(column, column.getField().getName());
    }
    List<FieldVector> moved = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      FieldVector column = columns.get(i);
      Field field = outputLayout.get(i);
      // Under the layout's field: a UDF that makes a vector by name gets a nullable one, which
      // holds a non-nullable field's values as well once it is known to hold no null.
      TransferPair transfer = column.getField().equals(field)
          ? column.getTransferPair(ArrowMemory.columnarBlocks())
          : column.getTransferPair(field, ArrowMemory.columnarBlocks());
      transfer.transfer();
      moved.add((FieldVector) transfer.getTo());
    }
    return new VectorSchemaRoot(outputLayout, moved, output.getRowCount());
  }

  /**
   * The root's columns in output-schema order if each has the layout's field, or one that differs
   * only in its nullability where the values fit the layout's (no null where it allows none); else null.
   */
  private List<FieldVector> inOutputLayout(VectorSchemaRoot output) {
    if (output.getFieldVectors().size() != outputLayout.size()) {
      return null;
    }
    List<FieldVector> columns = new ArrayList<>(outputLayout.size());
    for (Field field : outputLayout) {
      FieldVector column = output.getVector(field.getName());
      if (column == null || column.getValueCount() != output.getRowCount() || !fits(column, field)) {
        return null;
      }
      columns.add(column);
    }
    return columns;
  }

  private static boolean fits(FieldVector column, Field field) {
    Field actual = column.getField();
    if (actual.equals(field)) {
      return true;
    }
    return (field.isNullable() || column.getNullCount() == 0)
        && actual.getType().equals(field.getType()) && actual.getDictionary() == null && field.getDictionary() == null
        && actual.getChildren().equals(field.getChildren()) && actual.getMetadata().equals(field.getMetadata());
  }

  /** A null where the output schema allows none fails here, as reading the rows would. */
  private void checkNoNulls(ValueVector column, String path) {
    if (!column.getField().isNullable() && column.getNullCount() > 0) {
      throw new IllegalStateException(prefix() + "the Arrow UDF returned a null in column '" + path
          + "', which the output schema (withOutputSchema) says is not nullable");
    }
    if (column instanceof FieldVector parent) {
      for (FieldVector child : parent.getChildrenFromFields()) {
        checkNoNulls(child, path + "." + child.getField().getName());
      }
    }
  }

  private String prefix() {
    return "MapBatches '" + format.transform() + "': ";
  }

  /** Closes {@code resource}, keeping the first failure and adding later ones to it. */
  private static Exception close(AutoCloseable resource, Exception failure) {
    if (resource == null) {
      return failure;
    }
    try {
      resource.close();
    } catch (Exception e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
    }
    return failure;
  }
}
