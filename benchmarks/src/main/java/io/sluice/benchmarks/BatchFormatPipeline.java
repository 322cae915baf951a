package io.sluice.benchmarks;

import io.sluice.transforms.MapBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * rows (id, a, b) → score = 2a + b² per row, by one of three forms → checksum of the scores. The
 * forms do the same per-row arithmetic; what differs is how rows reach it: a plain ParDo row by
 * row, MapBatches over {@code List<Row>}, or MapBatches over Arrow batches (columns as vectors).
 * The chained forms add a second step of the same form, scaled = score / 2 + b, and checksum that:
 * between two Arrow steps SluiceRunner hands the batches on without making rows of them.
 */
final class BatchFormatPipeline {
  static final Schema INPUT = Schema.builder().addInt64Field("id").addDoubleField("a").addDoubleField("b").build();
  static final Schema SCORED = Schema.builder().addFields(INPUT.getFields()).addDoubleField("score").build();
  static final Schema SCALED = Schema.builder().addFields(SCORED.getFields()).addDoubleField("scaled").build();
  static final int BATCH_SIZE = 4096;

  enum Form {
    NONE, PARDO, LIST_OF_ROWS, ARROW, PARDO_CHAIN, LIST_OF_ROWS_CHAIN, ARROW_CHAIN, ARROW_CHAIN_VIA_ROWS;

    boolean chained() {
      return this == PARDO_CHAIN || this == LIST_OF_ROWS_CHAIN || this == ARROW_CHAIN || this == ARROW_CHAIN_VIA_ROWS;
    }

    /** SluiceRunner options of the form: the Arrow chain once more with rows made between its steps. */
    List<String> runnerArgs() {
      return this == ARROW_CHAIN_VIA_ROWS ? List.of("--columnarHandoff=false") : List.of();
    }
  }

  private BatchFormatPipeline() {}

  static Pipeline build(PipelineOptions options, long rows, Form form, String runId) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> input = pipeline.apply("Generate", GenerateSequence.from(0).to(rows))
        .apply("ToRows", ParDo.of(new ToRowFn())).setRowSchema(INPUT);
    PCollection<Row> scored = switch (form) {
      case NONE -> input;
      case PARDO, PARDO_CHAIN -> input.apply("ScoreEachRow", ParDo.of(new ScoreFn())).setRowSchema(SCORED);
      case LIST_OF_ROWS, LIST_OF_ROWS_CHAIN -> input.apply("ScoreListsOfRows",
          MapBatches.<Row, Row>of(BatchFormatPipeline::scoreRows).withBatchSize(BATCH_SIZE).withOutputSchema(SCORED));
      case ARROW, ARROW_CHAIN, ARROW_CHAIN_VIA_ROWS -> input.apply("ScoreArrowBatches", MapBatches.<Row>ofArrow(BatchFormatPipeline::scoreArrow)
          .withBatchSize(BATCH_SIZE).withOutputSchema(SCORED));
    };
    scored = switch (form) {
      case PARDO_CHAIN -> scored.apply("ScaleEachRow", ParDo.of(new ScaleFn())).setRowSchema(SCALED);
      case LIST_OF_ROWS_CHAIN -> scored.apply("ScaleListsOfRows",
          MapBatches.<Row, Row>of(BatchFormatPipeline::scaleRows).withBatchSize(BATCH_SIZE).withOutputSchema(SCALED));
      case ARROW_CHAIN, ARROW_CHAIN_VIA_ROWS -> scored.apply("ScaleArrowBatches", MapBatches.<Row>ofArrow(BatchFormatPipeline::scaleArrow)
          .withBatchSize(BATCH_SIZE).withOutputSchema(SCALED));
      default -> scored;
    };
    String column = form == Form.NONE ? "a" : form.chained() ? "scaled" : "score";
    scored.apply("Checksum", ParDo.of(new ColumnAsLongFn(column)))
        .apply("Total", Combine.globally(Sum.ofLongs()))
        .apply("Publish", ParDo.of(new InProcessResults.PublishFn(runId)));
    return pipeline;
  }

  /**
   * The checksum {@code form} must reach, computed without Beam: the sum of the rounded column it
   * checksums (score, or a for the baseline, which scores nothing).
   */
  static long expectedChecksum(long rows, Form form) {
    long total = 0;
    for (long id = 0; id < rows; id++) {
      double score = score(a(id), b(id));
      total += Math.round(form == Form.NONE ? a(id) : form.chained() ? scale(score, b(id)) : score);
    }
    return total;
  }

  static double a(long id) {
    return id % 1000;
  }

  static double b(long id) {
    return id % 7;
  }

  static double score(double a, double b) {
    return 2 * a + b * b;
  }

  static double scale(double score, double b) {
    return score / 2 + b;
  }

  private static List<Row> scoreRows(List<Row> batch) {
    return eachRow(batch, BatchFormatPipeline::scored);
  }

  private static List<Row> scaleRows(List<Row> batch) {
    return eachRow(batch, BatchFormatPipeline::scaled);
  }

  private static List<Row> eachRow(List<Row> batch, UnaryOperator<Row> perRow) {
    List<Row> out = new ArrayList<>(batch.size());
    for (Row row : batch) {
      out.add(perRow.apply(row));
    }
    return out;
  }

  private static Row scored(Row row) {
    double a = row.getDouble(1);
    double b = row.getDouble(2);
    return Row.withSchema(SCORED).attachValues(row.getInt64(0), a, b, score(a, b));
  }

  private static Row scaled(Row row) {
    double score = row.getDouble(3);
    return Row.withSchema(SCALED).attachValues(row.getInt64(0), row.getDouble(1), row.getDouble(2), score,
        scale(score, row.getDouble(2)));
  }

  /** Appends score = f(a, b). */
  private static VectorSchemaRoot scoreArrow(VectorSchemaRoot batch, BufferAllocator allocator) {
    return withColumn(batch, allocator, "score", "a", "b", BatchFormatPipeline::score);
  }

  /** Appends scaled = f(score, b). */
  private static VectorSchemaRoot scaleArrow(VectorSchemaRoot batch, BufferAllocator allocator) {
    return withColumn(batch, allocator, "scaled", "score", "b", BatchFormatPipeline::scale);
  }

  /**
   * The batch with a float64 column {@code name} appended, computed row by row from two of its
   * columns; the input's vectors are handed on, not copied.
   */
  private static VectorSchemaRoot withColumn(VectorSchemaRoot batch, BufferAllocator allocator, String name,
      String left, String right, DoubleBinaryOperator value) {
    Float8Vector x = (Float8Vector) batch.getVector(left);
    Float8Vector y = (Float8Vector) batch.getVector(right);
    int rows = batch.getRowCount();
    Float8Vector column = new Float8Vector(name, allocator);
    column.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      column.set(i, value.applyAsDouble(x.get(i), y.get(i)));
    }
    column.setValueCount(rows);
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(column);
    VectorSchemaRoot out = new VectorSchemaRoot(vectors);
    out.setRowCount(rows);
    return out;
  }

  static final class ToRowFn extends DoFn<Long, Row> {
    @ProcessElement
    public void process(@Element Long id, OutputReceiver<Row> out) {
      out.output(Row.withSchema(INPUT).attachValues(id, a(id), b(id)));
    }
  }

  static final class ScoreFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      out.output(scored(row));
    }
  }

  static final class ScaleFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      out.output(scaled(row));
    }
  }

  static final class ColumnAsLongFn extends DoFn<Row, Long> {
    private final String column;

    ColumnAsLongFn(String column) {
      this.column = column;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Long> out) {
      out.output(Math.round(row.getDouble(column)));
    }
  }
}
