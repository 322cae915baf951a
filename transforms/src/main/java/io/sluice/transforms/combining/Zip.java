package io.sluice.transforms.combining;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Ray Data's {@code Dataset.zip}: the columns of two datasets side by side, row by row. A
 * PCollection has no row order, so each side must carry its position in an INT64 row-index column
 * (as Sort emits), and rows are paired by equal index.
 *
 * <pre>{@code
 * PCollection<Row> both = features.apply(Zip.with(labels).onIndex("row_index"));
 * }</pre>
 *
 * <p>The output has the index column once, then the left's other columns, then the right's; a
 * right column whose name is taken gets Ray's suffix "_1" (or "_2", ... while that is taken too).
 * Both sides must hold exactly the same indexes, each once: otherwise the run fails naming the
 * smallest index that is missing on a side or repeated, and no output row is given to the next
 * step, so a row is never silently dropped (Ray likewise fails on differing row counts).
 */
public final class Zip extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** The index column's name when none is given, as Sort names it. */
  public static final String DEFAULT_INDEX = "row_index";

  // A PCollection is a pipeline-construction object, not something a transform is serialized with.
  private final transient PCollection<Row> right;
  private final String index;

  private Zip(PCollection<Row> right, String index) {
    this.right = right;
    this.index = index;
  }

  /** Zips the input (left) with {@code right} on their {@value #DEFAULT_INDEX} columns. */
  public static Zip with(PCollection<Row> right) {
    if (right == null) {
      throw new IllegalArgumentException("Zip.with: the right input must not be null");
    }
    return new Zip(right, DEFAULT_INDEX);
  }

  /** The INT64 column, on both sides, holding each row's position. */
  public Zip onIndex(String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("Zip.onIndex: the index column name must not be null or empty");
    }
    return new Zip(right, column);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> left) {
    String transform = "Zip";
    Schema leftSchema = Inputs.schemaOf(left, transform, "left");
    Schema rightSchema = Inputs.schemaOf(right, transform, "right");
    int leftIndex = indexColumn(leftSchema, transform, "left");
    int rightIndex = indexColumn(rightSchema, transform, "right");
    Layout layout = Layout.plan(leftSchema, leftIndex, rightSchema, rightIndex);

    TupleTag<Row> leftTag = new TupleTag<>("left");
    TupleTag<Row> rightTag = new TupleTag<>("right");
    TupleTag<Row> pairs = new TupleTag<>() {};
    TupleTag<KV<Long, String>> problems = new TupleTag<>() {};
    PCollectionTuple zipped = KeyedPCollectionTuple
        .of(leftTag, byIndex(left, "IndexLeft", transform, leftIndex, "left"))
        .and(rightTag, byIndex(right, "IndexRight", transform, rightIndex, "right"))
        .apply("GroupByIndex", CoGroupByKey.create())
        .apply("Pair", ParDo.of(new PairFn(transform, layout, leftTag, rightTag, pairs, problems))
            .withOutputTags(pairs, TupleTagList.of(problems)));
    zipped.get(pairs).setRowSchema(layout.output());

    // The smallest bad index, if any: it fails the run here even when no row pairs up, and gates
    // the output below, so no pair reaches the next step of a run that fails.
    PCollection<KV<Long, String>> firstProblem = zipped.get(problems)
        .setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()))
        .apply("FirstProblem", Combine.globally(Zip::smallerIndex).withoutDefaults());
    firstProblem.apply("FailOnProblem", ParDo.of(new FailFn()));
    PCollectionView<Iterable<KV<Long, String>>> problemView = firstProblem.apply("ProblemView", View.asIterable());
    return zipped.get(pairs)
        .apply("Checked", ParDo.of(new GateFn(problemView)).withSideInputs(problemView))
        .setRowSchema(layout.output());
  }

  private int indexColumn(Schema schema, String transform, String side) {
    int column = Inputs.column(schema, index, transform, side, "index");
    FieldType type = schema.getField(column).getType();
    if (type.getTypeName() != Schema.TypeName.INT64) {
      throw new IllegalArgumentException(transform + ": index column '" + index + "' on the " + side + " is "
          + type + "; it must be INT64 (the row positions, as Sort emits them)");
    }
    return column;
  }

  private static PCollection<KV<Long, Row>> byIndex(PCollection<Row> input, String name, String transform,
      int indexColumn, String side) {
    return input.apply(name, ParDo.of(new IndexFn(transform, indexColumn, side)))
        .setCoder(KvCoder.of(VarLongCoder.of(), input.getCoder()));
  }

  private static KV<Long, String> smallerIndex(KV<Long, String> a, KV<Long, String> b) {
    int byIndex = Long.compare(a.getKey(), b.getKey());
    // One report per index, so ties cannot happen; the text decides anyway, to be order-independent.
    return byIndex < 0 || (byIndex == 0 && a.getValue().compareTo(b.getValue()) <= 0) ? a : b;
  }

  /** The output schema and where its columns come from. */
  record Layout(Schema output, int leftIndex, int[] leftRest, int[] rightRest) implements Serializable {
    static Layout plan(Schema left, int leftIndex, Schema right, int rightIndex) {
      List<Field> fields = new ArrayList<>();
      Set<String> names = new HashSet<>();
      // Every output row has an index: rows with a null index fail the run.
      fields.add(left.getField(leftIndex).withNullable(false));
      names.add(left.getField(leftIndex).getName());
      int[] leftRest = others(left, leftIndex);
      int[] rightRest = others(right, rightIndex);
      for (int column : leftRest) {
        fields.add(left.getField(column));
        names.add(left.getField(column).getName());
      }
      for (int column : rightRest) {
        Field field = right.getField(column);
        String name = field.getName();
        for (int n = 1; names.contains(name); n++) {
          name = field.getName() + "_" + n;
        }
        names.add(name);
        fields.add(field.withName(name));
      }
      return new Layout(Schema.builder().addFields(fields).build(), leftIndex, leftRest, rightRest);
    }

    Row zipped(Row left, Row right) {
      List<Object> values = new ArrayList<>(output.getFieldCount());
      values.add(left.getValue(leftIndex));
      for (int column : leftRest) {
        values.add(left.getValue(column));
      }
      for (int column : rightRest) {
        values.add(right.getValue(column));
      }
      return Row.withSchema(output).addValues(values).build();
    }

    private static int[] others(Schema schema, int index) {
      return java.util.stream.IntStream.range(0, schema.getFieldCount()).filter(i -> i != index).toArray();
    }
  }

  /** Keys each row by its index; a null index has no position to pair by, so it fails the run. */
  static final class IndexFn extends DoFn<Row, KV<Long, Row>> {
    private final String transform;
    private final int column;
    private final String side;

    IndexFn(String transform, int column, String side) {
      this.transform = transform;
      this.column = column;
      this.side = side;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Long, Row>> out) {
      Long index = row.getInt64(column);
      if (index == null) {
        throw new IllegalStateException(transform + ": a row on the " + side + " has a null row index: " + row);
      }
      out.output(KV.of(index, row));
    }
  }

  /** Pairs the one left and one right row of an index, or reports what is wrong with the index. */
  static final class PairFn extends DoFn<KV<Long, CoGbkResult>, Row> {
    private final String transform;
    private final Layout layout;
    private final TupleTag<Row> leftTag;
    private final TupleTag<Row> rightTag;
    private final TupleTag<Row> pairs;
    private final TupleTag<KV<Long, String>> problems;

    PairFn(String transform, Layout layout, TupleTag<Row> leftTag, TupleTag<Row> rightTag, TupleTag<Row> pairs,
        TupleTag<KV<Long, String>> problems) {
      this.transform = transform;
      this.layout = layout;
      this.leftTag = leftTag;
      this.rightTag = rightTag;
      this.pairs = pairs;
      this.problems = problems;
    }

    @ProcessElement
    public void process(@Element KV<Long, CoGbkResult> group, MultiOutputReceiver out) {
      long index = group.getKey();
      List<Row> lefts = rows(group.getValue().getAll(leftTag));
      List<Row> rights = rows(group.getValue().getAll(rightTag));
      String problem = null;
      if (lefts.isEmpty() || rights.isEmpty()) {
        String has = lefts.isEmpty() ? "right" : "left";
        String lacks = lefts.isEmpty() ? "left" : "right";
        problem = "row index " + index + " is on the " + has + " but missing on the " + lacks;
      } else if (lefts.size() > 1 || rights.size() > 1) {
        String side = lefts.size() > 1 ? "left" : "right";
        problem = "row index " + index + " appears " + Math.max(lefts.size(), rights.size()) + " times on the "
            + side;
      }
      if (problem != null) {
        out.get(problems).output(KV.of(index, transform + ": " + problem
            + "; both sides must hold the same row indexes, each once"));
      } else {
        out.get(pairs).output(layout.zipped(lefts.get(0), rights.get(0)));
      }
    }

    private static List<Row> rows(Iterable<Row> rows) {
      List<Row> list = new ArrayList<>(1);
      rows.forEach(list::add);
      return list;
    }
  }

  /** Fails the run with the first problem found. */
  static final class FailFn extends DoFn<KV<Long, String>, Void> {
    @ProcessElement
    public void process(@Element KV<Long, String> problem) {
      throw new IllegalStateException(problem.getValue());
    }
  }

  /** Passes the pairs on only once it is known that no index was bad. */
  static final class GateFn extends DoFn<Row, Row> {
    private final PCollectionView<Iterable<KV<Long, String>>> problems;

    GateFn(PCollectionView<Iterable<KV<Long, String>>> problems) {
      this.problems = problems;
    }

    @ProcessElement
    public void process(@Element Row row, ProcessContext context) {
      for (KV<Long, String> problem : context.sideInput(problems)) {
        throw new IllegalStateException(problem.getValue());
      }
      context.output(row);
    }
  }
}
