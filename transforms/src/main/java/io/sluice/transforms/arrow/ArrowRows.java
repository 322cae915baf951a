package io.sluice.transforms.arrow;

import java.util.Collection;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * A batch of Beam rows as an Arrow {@link VectorSchemaRoot} and back: the whole-batch form of
 * {@link ArrowRowWriter} and {@link ArrowRowReader}, with the type mapping of {@link ArrowSchemas}.
 *
 * <pre>{@code
 * try (VectorSchemaRoot root = ArrowRows.toArrow(schema, rows, allocator)) {
 *   List<Row> back = ArrowRows.toRows(root, schema);
 * }
 * }</pre>
 */
public final class ArrowRows {
  private ArrowRows() {}

  /** A new root holding {@code rows}, allocated from {@code allocator}; the caller closes it. */
  public static VectorSchemaRoot toArrow(Schema schema, Iterable<Row> rows, BufferAllocator allocator) {
    return toArrow(schema, rows, rows instanceof Collection<?> batch ? batch.size() : 0, allocator);
  }

  /** As {@link #toArrow(Schema, Iterable, BufferAllocator)}, with room for {@code expectedRows} made up front. */
  public static VectorSchemaRoot toArrow(Schema schema, Iterable<Row> rows, int expectedRows, BufferAllocator allocator) {
    ArrowRowWriter writer = ArrowRowWriter.create(schema, allocator, expectedRows);
    try {
      rows.forEach(writer::write);
      return writer.finish();
    } catch (RuntimeException e) {
      writer.root().close();
      throw e;
    }
  }

  /** The rows of {@code root} as Beam rows of {@code schema}; the root stays the caller's. */
  public static List<Row> toRows(VectorSchemaRoot root, Schema schema) {
    return ArrowRowReader.of(root, schema).readAll();
  }

  /** The rows of {@code root} as Beam rows of the schema {@link ArrowSchemas} derives from it. */
  public static List<Row> toRows(VectorSchemaRoot root) {
    return ArrowRowReader.of(root).readAll();
  }
}
