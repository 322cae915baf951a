package io.sluice.transforms.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/**
 * The composed CombineFn alone, without a runner: partial accumulators over arbitrary splits of the
 * input, each sent through its coder as across a shuffle and merged in a shuffled order, give the
 * reference results. Runners decide themselves how much they split and encode; this covers it all.
 */
class AggregatesCombineFnTest {
  private static final List<Row> TABLE = Reference.table(13);

  @Test
  void partialsEncodedAndMergedInAnyOrderGiveTheReferenceResults() throws Exception {
    List<Agg> aggs = List.of(Agg.count(), Agg.count("i"), Agg.sum("i"), Agg.sum("d"), Agg.sum("dec"),
        Agg.min("i"), Agg.max("s"), Agg.min("t"), Agg.max("day"), Agg.mean("l"), Agg.std("d"), Agg.std("i", 0),
        Agg.of(new GroupByTest.DistinctStrings("s"), "distinct(s)"),
        Agg.of(Max.ofIntegers(), "i", FieldType.INT32, "top"));
    List<Function<List<Row>, Object>> references = List.of(
        rows -> (long) rows.size(), rows -> (long) Reference.nonNull(rows, "i").size(),
        rows -> Reference.sumOfIntegers(rows, "i"), rows -> Reference.sumOfDoubles(rows, "d"),
        rows -> Reference.sumOfDecimals(rows, "dec"), rows -> Reference.min(rows, "i"),
        rows -> Reference.max(rows, "s"), rows -> Reference.min(rows, "t"), rows -> Reference.max(rows, "day"),
        rows -> Reference.mean(rows, "l"),
        rows -> Reference.std(rows, "d", 1), rows -> Reference.std(rows, "i", 0),
        rows -> (long) rows.stream().map(row -> row.getString("s")).distinct().count(),
        rows -> Reference.max(rows, "i"));
    AggregatesCombineFn fn = new AggregatesCombineFn(aggs, Reference.TABLE, "test");
    Coder<Object[]> coder = fn.getAccumulatorCoder(CoderRegistry.createDefault(), RowCoder.of(Reference.TABLE));

    Random random = new Random(1);
    for (int trial = 0; trial < 20; trial++) {
      // Split into 1..6 partials, some possibly empty.
      int parts = 1 + random.nextInt(6);
      List<Object[]> partials = new ArrayList<>();
      for (int n = 0; n < parts; n++) {
        partials.add(fn.createAccumulator());
      }
      for (Row row : TABLE) {
        int part = random.nextInt(parts);
        partials.set(part, fn.addInput(partials.get(part), row));
      }
      List<Object[]> decoded = new ArrayList<>();
      for (Object[] partial : partials) {
        decoded.add(CoderUtils.clone(coder, partial));
      }
      Collections.shuffle(decoded, random);
      Row result = fn.extractOutput(fn.mergeAccumulators(decoded));

      List<Row> expected = Reference.expected(fn.outputSchema(), Map.of(List.of(), TABLE), references);
      Reference.assertSameRows(expected, List.of(result), 0);
    }
    // Nothing to merge, or no rows: count 0, every other built-in null.
    Row empty = fn.extractOutput(fn.mergeAccumulators(List.of()));
    assertEquals(0L, empty.getInt64("count()"));
    assertNull(empty.getValue("sum(i)"));
    assertNull(empty.getValue("std(d)"));
    assertNull(empty.getValue("top"));
  }
}
