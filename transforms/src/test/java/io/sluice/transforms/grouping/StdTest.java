package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Std stays accurate where a sum of squares would not: values with a large mean and a small spread. */
class StdTest {
  private static final Schema SCHEMA = Schema.builder().addStringField("k").addDoubleField("x").build();
  private static final List<Row> ROWS = largeMeanRows();

  /** 1e9 plus noise in [0, 1): key "big" holds most rows. */
  private static List<Row> largeMeanRows() {
    Random random = new Random(42);
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 300; n++) {
      rows.add(Row.withSchema(SCHEMA).addValues(n < 240 ? "big" : "small", 1e9 + random.nextDouble()).build());
    }
    return rows;
  }

  @Test
  void theDataDefeatsASumOfSquares() {
    // So that matching the two-pass formula below means something: the naive formula is far off here.
    double sum = 0;
    double squares = 0;
    for (Row row : ROWS) {
      sum += row.getDouble("x");
      squares += row.getDouble("x") * row.getDouble("x");
    }
    double naive = Math.sqrt(Math.max(0, (squares - sum * sum / ROWS.size()) / (ROWS.size() - 1)));
    assertFalse(Reference.close(Reference.std(ROWS, "x", 1), naive, 1e-3), "naive " + naive);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void matchesTheTwoPassFormulaWithin1e9Relative(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> rows = p.apply(Create.of(ROWS).withRowSchema(SCHEMA));
    PCollection<Row> grouped = rows.apply("Grouped", GroupBy.keys("k").std("x"));
    PCollection<Row> global = rows.apply("Global", Aggregate.std("x"));

    Map<String, Double> expected = Map.of(
        "big", Reference.std(ROWS.stream().filter(row -> row.getString("k").equals("big")).toList(), "x", 1),
        "small", Reference.std(ROWS.stream().filter(row -> row.getString("k").equals("small")).toList(), "x", 1));
    double expectedGlobal = Reference.std(ROWS, "x", 1);
    PAssert.that(grouped).satisfies(actual -> {
      int count = 0;
      for (Row row : actual) {
        count++;
        double want = expected.get(row.getString("k"));
        assertTrue(Reference.close(want, row.getDouble("std(x)"), 1e-9), row + " vs two-pass " + want);
      }
      assertEquals(2, count);
      return null;
    });
    PAssert.thatSingleton(global).satisfies(row -> {
      assertTrue(Reference.close(expectedGlobal, row.getDouble("std(x)"), 1e-9),
          row + " vs two-pass " + expectedGlobal);
      return null;
    });
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }
}
