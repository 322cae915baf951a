package io.sluice.transforms.arrow;

import io.sluice.runner.ColumnarRows;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.beam.sdk.schemas.Schema;
import org.joda.time.Instant;

/**
 * An Arrow batch as SluiceRunner passes it between columnar steps: a root laid out as {@link
 * ArrowRowWriter} writes rows of {@code schema} (the same columns, order and types), so a UDF
 * receives the very batch it would get from rows.
 */
final class ArrowColumnarRows implements ColumnarRows {
  private final VectorSchemaRoot root;
  private final Schema schema;
  private final Instant timestamp;
  private boolean closed;

  ArrowColumnarRows(VectorSchemaRoot root, Schema schema, Instant timestamp) {
    this.root = root;
    this.schema = schema;
    this.timestamp = timestamp;
  }

  VectorSchemaRoot root() {
    return root;
  }

  Schema schema() {
    return schema;
  }

  @Override
  public Instant timestamp() {
    return timestamp;
  }

  @Override
  public int rows() {
    return root.getRowCount();
  }

  @Override
  public long bytes() {
    long bytes = 0;
    for (FieldVector vector : root.getFieldVectors()) {
      bytes += vector.getBufferSize();
    }
    return bytes;
  }

  @Override
  public List<?> values(int from, int to) {
    return ArrowRowReader.of(root, schema).read(from, to);
  }

  @Override
  public ColumnarRows slice(int from, int to) {
    return new ArrowColumnarRows(root.slice(from, to - from), schema, timestamp);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      root.close();
    }
  }
}
