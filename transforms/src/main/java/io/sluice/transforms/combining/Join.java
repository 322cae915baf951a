package io.sluice.transforms.combining;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Ray Data's {@code Dataset.join} for schema'd {@code PCollection<Row>}s: the input is the left
 * side, the PCollection given here the right.
 *
 * <pre>{@code
 * PCollection<Row> enriched = orders.apply(Join.leftOuter(customers)
 *     .on("customer_id").rightOn("id")
 *     .withSuffixes("_order", "_customer"));
 * }</pre>
 *
 * <p>Rows are hash-partitioned on their key by one CoGroupByKey, as Ray's hash-shuffle join does
 * (Ray's {@code num_partitions} is the runner's parallelism here). Null keys never match (SQL): a
 * row with a null in any key column is only kept as unmatched by the outer (and anti) joins that
 * keep its side. The output has the key columns once (named as on the left; in a full outer join
 * their values come from whichever side has them), then the left's other columns, then the right's;
 * columns of a side that may be missing are nullable. Semi and anti joins give the left rows as
 * they are. A non-key column name on both sides takes the suffixes: Ray's default is none, which
 * would give duplicate names that a Beam schema cannot hold, so such a join needs {@link
 * #withSuffixes}. Key columns must have equal types on both sides (nullability may differ);
 * floating-point keys compare as numbers (-0.0 matches 0.0), and NaN matches NaN.
 *
 * <p>All the rows of one key meet on one worker, and that key's right rows are held in memory
 * while its left rows stream past them, so a key holding most of the rows (skew) runs on one
 * worker, as it does in Ray.
 */
public final class Join extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** The text appended to the names of columns found on both sides, per side ("" for none). */
  record Suffixes(String left, String right) implements Serializable {
    static final Suffixes NONE = new Suffixes("", "");
  }

  private final JoinType type;
  // A PCollection is a pipeline-construction object, not something a transform is serialized with.
  private final transient PCollection<Row> right;
  private final List<String> leftKeys;
  /** Empty: the right key columns have the left's names. */
  private final List<String> rightKeys;
  private final Suffixes suffixes;

  private Join(JoinType type, PCollection<Row> right, List<String> leftKeys, List<String> rightKeys,
      Suffixes suffixes) {
    this.type = type;
    this.right = right;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.suffixes = suffixes;
  }

  /** A join of the given type with {@code right}; name its key columns with {@link #on}. */
  public static Join of(PCollection<Row> right, JoinType type) {
    if (right == null) {
      throw new IllegalArgumentException("Join: the right input must not be null");
    }
    if (type == null) {
      throw new IllegalArgumentException("Join: the join type must not be null; use one of "
          + List.of(JoinType.values()));
    }
    return new Join(type, right, List.of(), List.of(), Suffixes.NONE);
  }

  public static Join inner(PCollection<Row> right) {
    return of(right, JoinType.INNER);
  }

  public static Join leftOuter(PCollection<Row> right) {
    return of(right, JoinType.LEFT_OUTER);
  }

  public static Join rightOuter(PCollection<Row> right) {
    return of(right, JoinType.RIGHT_OUTER);
  }

  public static Join fullOuter(PCollection<Row> right) {
    return of(right, JoinType.FULL_OUTER);
  }

  public static Join leftSemi(PCollection<Row> right) {
    return of(right, JoinType.LEFT_SEMI);
  }

  public static Join leftAnti(PCollection<Row> right) {
    return of(right, JoinType.LEFT_ANTI);
  }

  /** The key columns of the left side, and of the right unless {@link #rightOn} names others. */
  public Join on(String... columns) {
    return new Join(type, right, keyList("on", columns), List.of(), suffixes);
  }

  /** The right side's key columns, one per column given to {@link #on} and in the same order. */
  public Join rightOn(String... columns) {
    if (leftKeys.isEmpty()) {
      throw new IllegalArgumentException("Join.rightOn: name the left key columns with on(...) first");
    }
    List<String> keys = keyList("rightOn", columns);
    if (keys.size() != leftKeys.size()) {
      throw new IllegalArgumentException("Join.rightOn has " + keys.size() + " columns but on has "
          + leftKeys.size() + " " + leftKeys + ": give one right key column per left key column");
    }
    return new Join(type, right, leftKeys, keys, suffixes);
  }

  /** Suffixes for the non-key columns whose name is on both sides, e.g. ("_left", "_right"); "" for none. */
  public Join withSuffixes(String left, String right) {
    if (left == null || right == null) {
      throw new IllegalArgumentException("Join.withSuffixes: suffixes must not be null; use \"\" for none");
    }
    if (left.equals(right)) {
      throw new IllegalArgumentException("Join.withSuffixes: the suffixes must differ (both were \"" + left
          + "\"), or the columns they should tell apart would still clash");
    }
    return new Join(type, this.right, leftKeys, rightKeys, new Suffixes(left, right));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> left) {
    String transform = "Join (" + type.rayName() + ")";
    if (leftKeys.isEmpty()) {
      throw new IllegalArgumentException(transform + " has no key columns: name them with on(\"id\")");
    }
    Schema leftSchema = Inputs.schemaOf(left, transform, "left");
    Schema rightSchema = Inputs.schemaOf(right, transform, "right");
    List<String> rightKeyNames = rightKeys.isEmpty() ? leftKeys : rightKeys;
    int[] leftKeyColumns = new int[leftKeys.size()];
    int[] rightKeyColumns = new int[leftKeys.size()];
    Schema.Builder keySchema = Schema.builder();
    for (int i = 0; i < leftKeys.size(); i++) {
      leftKeyColumns[i] = Inputs.column(leftSchema, leftKeys.get(i), transform, "left", "key");
      rightKeyColumns[i] = Inputs.column(rightSchema, rightKeyNames.get(i), transform, "right", "key");
      FieldType leftType = leftSchema.getField(leftKeyColumns[i]).getType();
      FieldType rightType = rightSchema.getField(rightKeyColumns[i]).getType();
      // Null keys never reach the grouping, so only the types of the values must agree.
      if (!leftType.withNullable(false).equals(rightType.withNullable(false))) {
        throw new IllegalArgumentException(transform + ": key column '" + leftKeys.get(i) + "' is " + leftType
            + " on the left but key column '" + rightKeyNames.get(i) + "' is " + rightType
            + " on the right; key types must be equal, so convert one side first");
      }
      if (containsMap(leftType)) {
        throw new IllegalArgumentException(transform + ": key column '" + leftKeys.get(i) + "' has type "
            + leftType + "; a map cannot be a join key (its entries have no fixed order to compare by)");
      }
      keySchema.addField("key" + i, leftType.withNullable(false));
    }
    JoinLayout layout = JoinLayout.plan(transform, type, leftSchema, rightSchema, leftKeyColumns, rightKeyColumns,
        suffixes);
    Schema keys = keySchema.build();

    TupleTag<KV<byte[], Row>> keyed = new TupleTag<>() {};
    TupleTag<Row> nullKeyed = new TupleTag<>() {};
    PCollectionTuple leftParts = keyBy(left, "KeyLeft", new JoinKey(leftKeyColumns, keys), keyed, nullKeyed);
    PCollectionTuple rightParts = keyBy(right, "KeyRight", new JoinKey(rightKeyColumns, keys), keyed, nullKeyed);

    TupleTag<Row> leftTag = new TupleTag<>("left");
    TupleTag<Row> rightTag = new TupleTag<>("right");
    PCollectionList<Row> parts = PCollectionList.of(
        KeyedPCollectionTuple.of(leftTag, leftParts.get(keyed))
            .and(rightTag, rightParts.get(keyed))
            .apply("GroupByKey", CoGroupByKey.create())
            .apply("Match", ParDo.of(new MatchFn(type, layout, leftTag, rightTag)))
            .setRowSchema(layout.output()));
    if (type.keepsUnmatchedLeft()) {
      parts = parts.and(leftParts.get(nullKeyed)
          .apply("LeftNullKeys", ParDo.of(new UnmatchedFn(layout, true)))
          .setRowSchema(layout.output()));
    }
    if (type.keepsUnmatchedRight()) {
      parts = parts.and(rightParts.get(nullKeyed)
          .apply("RightNullKeys", ParDo.of(new UnmatchedFn(layout, false)))
          .setRowSchema(layout.output()));
    }
    return parts.apply("Rows", Flatten.pCollections()).setRowSchema(layout.output());
  }

  private static PCollectionTuple keyBy(PCollection<Row> input, String name, JoinKey key,
      TupleTag<KV<byte[], Row>> keyed, TupleTag<Row> nullKeyed) {
    PCollectionTuple parts = input.apply(name,
        ParDo.of(new KeyFn(key, keyed, nullKeyed)).withOutputTags(keyed, TupleTagList.of(nullKeyed)));
    parts.get(keyed).setCoder(KvCoder.of(ByteArrayCoder.of(), input.getCoder()));
    parts.get(nullKeyed).setCoder(input.getCoder());
    return parts;
  }

  private static List<String> keyList(String method, String[] columns) {
    if (columns == null || columns.length == 0) {
      throw new IllegalArgumentException("Join." + method + " needs at least one key column, e.g. "
          + method + "(\"id\")");
    }
    Set<String> seen = new HashSet<>();
    for (String column : columns) {
      if (column == null || column.isEmpty()) {
        throw new IllegalArgumentException("Join." + method + ": a key column name is null or empty");
      }
      if (!seen.add(column)) {
        throw new IllegalArgumentException("Join." + method + ": key column '" + column + "' is listed twice");
      }
    }
    return List.of(columns);
  }

  private static boolean containsMap(FieldType type) {
    return switch (type.getTypeName()) {
      case MAP -> true;
      case ARRAY, ITERABLE -> containsMap(type.getCollectionElementType());
      case ROW -> type.getRowSchema().getFields().stream().anyMatch(f -> containsMap(f.getType()));
      case LOGICAL_TYPE -> containsMap(type.getLogicalType().getBaseType());
      default -> false;
    };
  }

  /** Sends each row on with its encoded key, or to the null-key output when a key column is null. */
  static final class KeyFn extends DoFn<Row, KV<byte[], Row>> {
    private final JoinKey key;
    private final TupleTag<KV<byte[], Row>> keyed;
    private final TupleTag<Row> nullKeyed;

    KeyFn(JoinKey key, TupleTag<KV<byte[], Row>> keyed, TupleTag<Row> nullKeyed) {
      this.key = key;
      this.keyed = keyed;
      this.nullKeyed = nullKeyed;
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) {
      byte[] encoded = key.encode(row);
      if (encoded == null) {
        out.get(nullKeyed).output(row);
      } else {
        out.get(keyed).output(KV.of(encoded, row));
      }
    }
  }

  /** The output rows of one key: the pairs of its left and right rows, and its unmatched rows where kept. */
  static final class MatchFn extends DoFn<KV<byte[], CoGbkResult>, Row> {
    private final JoinType type;
    private final JoinLayout layout;
    private final TupleTag<Row> leftTag;
    private final TupleTag<Row> rightTag;

    MatchFn(JoinType type, JoinLayout layout, TupleTag<Row> leftTag, TupleTag<Row> rightTag) {
      this.type = type;
      this.layout = layout;
      this.leftTag = leftTag;
      this.rightTag = rightTag;
    }

    @ProcessElement
    public void process(@Element KV<byte[], CoGbkResult> group, OutputReceiver<Row> out) {
      Iterable<Row> lefts = group.getValue().getAll(leftTag);
      Iterable<Row> rights = group.getValue().getAll(rightTag);
      boolean matched = rights.iterator().hasNext() && lefts.iterator().hasNext();
      switch (type) {
        case LEFT_SEMI, LEFT_ANTI -> {
          if (matched == (type == JoinType.LEFT_SEMI)) {
            lefts.forEach(out::output);
          }
        }
        default -> {
          if (matched) {
            List<Row> rightRows = new ArrayList<>();
            rights.forEach(rightRows::add);
            for (Row left : lefts) {
              for (Row right : rightRows) {
                out.output(layout.joined(left, right));
              }
            }
          } else if (type.keepsUnmatchedLeft()) {
            lefts.forEach(left -> out.output(layout.joined(left, null)));
          }
          if (!matched && type.keepsUnmatchedRight()) {
            rights.forEach(right -> out.output(layout.joined(null, right)));
          }
        }
      }
    }
  }

  /** Rows with a null key, which match nothing: padded with nulls for the other side. */
  static final class UnmatchedFn extends DoFn<Row, Row> {
    private final JoinLayout layout;
    private final boolean left;

    UnmatchedFn(JoinLayout layout, boolean left) {
      this.layout = layout;
      this.left = left;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      out.output(left ? layout.joined(row, null) : layout.joined(null, row));
    }
  }
}
