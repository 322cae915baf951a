package io.sluice.transforms.arrow;

import io.sluice.transforms.BatchUdf;
import io.sluice.transforms.UdfFactory;
import java.io.Serializable;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;

/**
 * MapBatches' Arrow batch format: a {@link BatchUdf} over schema'd elements that hands an Arrow
 * UDF each batch as a {@link VectorSchemaRoot} and reads the root it returns as rows of the
 * declared output schema.
 *
 * <p>Memory: one {@link RootAllocator} per instance (so per DoFn instance), made at setup and
 * closed at close; each batch gets a child allocator. After the UDF returns, the input root and
 * the returned root are closed, and the batch's allocator must then hold nothing: what the UDF
 * allocated and neither returned nor closed fails the batch as a leak instead of piling up.
 *
 * <p>Not zero-copy: rows are copied into Arrow and back for every batch, as no runner hands a
 * DoFn Arrow blocks yet.
 */
public final class ArrowFormatUdf<InputT> implements BatchUdf<InputT, Row> {
  /** What the format needs besides the UDF, fixed when MapBatches is expanded. */
  public record Format<InputT>(String transform, Schema inputSchema, SerializableFunction<InputT, Row> toRow,
      Schema outputSchema) implements Serializable {}

  private final Format<InputT> format;
  private final ArrowBatchUdf udf;
  private BufferAllocator allocator;

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
    allocator = new RootAllocator();
    udf.setup();
  }

  @Override
  public List<Row> apply(List<InputT> batch) throws Exception {
    BufferAllocator batchAllocator = allocator.newChildAllocator("MapBatches " + format.transform(), 0, Long.MAX_VALUE);
    VectorSchemaRoot input = null;
    VectorSchemaRoot output = null;
    List<Row> rows = null;
    Exception failure = null;
    try {
      input = toArrow(batch, batchAllocator);
      output = udf.apply(input, batchAllocator);
      rows = toRows(output, batch.size());
    } catch (Exception e) {
      failure = e;
    }
    if (output != input) {
      failure = close(output, failure);
    }
    failure = close(input, failure);
    long leaked = batchAllocator.getAllocatedMemory();
    if (failure == null && leaked > 0) {
      failure = new IllegalStateException(prefix() + "the Arrow UDF left " + leaked + " bytes allocated after its "
          + "batch: close the vectors it allocates and does not return");
    }
    failure = close(batchAllocator, failure);
    if (failure != null) {
      throw failure;
    }
    return rows;
  }

  @Override
  public void close() throws Exception {
    Exception failure = close(udf, null);
    failure = close(allocator, failure);
    if (failure != null) {
      throw failure;
    }
  }

  /** Bytes held by this instance's allocator: zero between batches. */
  long allocatedBytes() {
    return allocator.getAllocatedMemory();
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
    if (output == null) {
      throw new IllegalStateException(prefix() + "the Arrow UDF returned null for a batch of " + inputRows
          + " rows; return a root with no rows for no output");
    }
    try {
      return ArrowRowReader.of(output, format.outputSchema()).readAll();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(prefix() + "the Arrow UDF returned a batch that does not fit the output "
          + "schema: " + e.getMessage() + ". Output schema (withOutputSchema) as Arrow: "
          + ArrowSchemas.toArrowSchema(format.outputSchema()) + "; returned: " + output.getSchema(), e);
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
