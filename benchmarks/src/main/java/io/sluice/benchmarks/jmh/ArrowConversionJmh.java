package io.sluice.benchmarks.jmh;

import io.sluice.transforms.arrow.ArrowRows;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What it costs per row to put a batch of Beam rows into Arrow and to read it back: the copies an
 * Arrow MapBatches pays at each end, and that SluiceRunner's columnar hand-off saves between two
 * of them. A batch of 4096 rows (id int64, a and b float64, a short string), as in
 * BatchFormatBenchmark.
 *
 * <p>Run: {@code java -cp benchmarks/target/classes:<classpath> org.openjdk.jmh.Main ArrowConversionJmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx1g"})
public class ArrowConversionJmh {
  private static final int ROWS = 4096;
  private static final Schema SCHEMA = Schema.builder()
      .addInt64Field("id").addDoubleField("a").addDoubleField("b").addStringField("name").build();

  private List<Row> rows;
  private BufferAllocator allocator;
  private VectorSchemaRoot root;

  @Setup
  public void setUp() {
    rows = new ArrayList<>(ROWS);
    for (long id = 0; id < ROWS; id++) {
      rows.add(Row.withSchema(SCHEMA).attachValues(id, (double) (id % 1000), (double) (id % 7), "row " + id));
    }
    allocator = new RootAllocator();
    root = ArrowRows.toArrow(SCHEMA, rows, allocator);
  }

  @TearDown
  public void tearDown() {
    root.close();
    allocator.close();
  }

  /** Rows into a new Arrow batch (allocated up front for the row count), then freed. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int rowsToArrow() {
    try (VectorSchemaRoot batch = ArrowRows.toArrow(SCHEMA, rows, ROWS, allocator)) {
      return batch.getRowCount();
    }
  }

  /** An Arrow batch read back as Beam rows, column by column. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public List<Row> arrowToRows() {
    return ArrowRows.toRows(root, SCHEMA);
  }
}
