package io.sluice.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MapBatches' {@code List<Row>} batch format: rows in, rows of a declared schema out. */
class MapBatchesRowsTest {
  static final Schema INPUT = Schema.builder()
      .addStringField("word").addNullableField("count", Schema.FieldType.INT32).build();
  static final Schema OUTPUT = Schema.builder()
      .addStringField("word").addNullableField("count", Schema.FieldType.INT32)
      .addNullableField("share", Schema.FieldType.DOUBLE).build();

  /** One hot word holding most of the rows, a few rare ones, some counts null. */
  static List<Row> skewedRows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(Row.withSchema(INPUT).addValues(i < 24 ? "hot" : "rare" + i, i % 6 == 0 ? null : i).build());
    }
    return rows;
  }

  /** Each row's count as a share of its batch's total; null where the count is. */
  static List<Row> shares(List<Row> batch) {
    double total = batch.stream().filter(r -> r.getInt32("count") != null).mapToInt(r -> r.getInt32("count")).sum();
    return batch.stream().map(r -> Row.withSchema(OUTPUT).addValues(r.getString("word"), r.getInt32("count"),
        r.getInt32("count") == null ? null : r.getInt32("count") / total).build()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void rowBatchesGetTheDeclaredSchemaSoSchemaTransformsApplyDownstream(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> out = p.apply("Rows", Create.of(skewedRows()).withRowSchema(INPUT))
        .apply("Shares", MapBatches.<Row, Row>of(MapBatchesRowsTest::shares).withOutputSchema(OUTPUT));
    // The shares depend on how rows fall into batches, which is up to the runner: select the rest.
    PCollection<Row> words = out.apply(Select.fieldNames("word", "count"));
    PCollection<Row> empty = p.apply("NoRows", Create.empty(INPUT))
        .apply("OnEmpty", MapBatches.<Row, Row>of(MapBatchesRowsTest::shares).withOutputSchema(OUTPUT));

    assertEquals(RowCoder.of(OUTPUT), out.getCoder());
    PAssert.that(words).containsInAnyOrder(skewedRows());
    PAssert.that(out).satisfies(rows -> {
      rows.forEach(row -> assertEquals(row.getInt32("count") == null, row.getDouble("share") == null, row.toString()));
      return null;
    });
    PAssert.that(empty).empty();
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void rowsOfAnotherSchemaThanDeclaredFailTheRunNamingBothSchemas(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    p.apply(Create.of(skewedRows()).withRowSchema(INPUT))
        .apply("Unchanged", MapBatches.<Row, Row>of(batch -> batch).withOutputSchema(OUTPUT));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    String messages = TestRunners.causeMessages(e);
    assertTrue(messages.contains("declares withOutputSchema, but its UDF returned a row of another schema: "
        + INPUT), messages);
    assertTrue(messages.contains("the output schema is " + OUTPUT), messages);
  }

  @Test
  void anOutputSchemaAndAnOutputCoderExcludeEachOther() {
    MapBatches<Row, Row> rows = MapBatches.of(batch -> batch);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> rows.withOutputSchema(OUTPUT).withOutputCoder(RowCoder.of(OUTPUT)));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> rows.withOutputCoder(RowCoder.of(OUTPUT)).withOutputSchema(OUTPUT));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> rows.withOutputSchema(null));
    assertTrue(e.getMessage().contains("schema must not be null"), e.getMessage());
  }
}
