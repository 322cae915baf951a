package io.sluice.transforms.combining;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every join type against a plain nested-loop join computed here from the same input lists, on
 * every runner. Output schemas are written out by hand: they are the promise being checked.
 */
class JoinTest {
  private static final Schema LEFT = Schema.builder()
      .addNullableInt32Field("id").addStringField("name").addInt32Field("lv").build();
  private static final Schema RIGHT = Schema.builder()
      .addNullableInt32Field("id").addNullableStringField("name").addInt32Field("rv").build();

  /** Unmatched keys on both sides (3 left, 4 right), many-to-many (2), null keys, and key 1 holding most rows. */
  private static List<Row> leftRows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(Row.withSchema(LEFT).addValues(1, "skewed" + i, i).build());
    }
    rows.add(Row.withSchema(LEFT).addValues(2, "two-a", 100).build());
    rows.add(Row.withSchema(LEFT).addValues(2, "two-b", 101).build());
    rows.add(Row.withSchema(LEFT).addValues(3, "only-left", 102).build());
    rows.add(Row.withSchema(LEFT).addValues(null, "null-a", 103).build());
    rows.add(Row.withSchema(LEFT).addValues(null, "null-b", 104).build());
    return rows;
  }

  private static List<Row> rightRows() {
    return List.of(
        Row.withSchema(RIGHT).addValues(1, "one-x", 200).build(),
        Row.withSchema(RIGHT).addValues(1, null, 201).build(),
        Row.withSchema(RIGHT).addValues(1, "one-z", 202).build(),
        Row.withSchema(RIGHT).addValues(2, "two-x", 203).build(),
        Row.withSchema(RIGHT).addValues(2, "two-y", 204).build(),
        Row.withSchema(RIGHT).addValues(2, "two-z", 205).build(),
        Row.withSchema(RIGHT).addValues(4, "only-right", 206).build(),
        Row.withSchema(RIGHT).addValues(null, "null-x", 207).build());
  }

  /** The promised output schema of LEFT joined with RIGHT on id with suffixes _l and _r. */
  private static Schema expectedSchema(JoinType type) {
    boolean leftNullable = leftMayBeMissing(type);
    boolean rightNullable = rightMayBeMissing(type);
    return switch (type) {
      case LEFT_SEMI, LEFT_ANTI -> LEFT;
      default -> Schema.builder()
          .addNullableInt32Field("id")
          .addField(Field.of("name_l", FieldType.STRING).withNullable(leftNullable))
          .addField(Field.of("lv", FieldType.INT32).withNullable(leftNullable))
          .addNullableStringField("name_r")
          .addField(Field.of("rv", FieldType.INT32).withNullable(rightNullable))
          .build();
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void everyJoinTypeMatchesANestedLoopJoinWithUnmatchedDuplicateNullAndSkewedKeys(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> left = p.apply("Left", Create.of(leftRows()).withRowSchema(LEFT));
    PCollection<Row> right = p.apply("Right", Create.of(rightRows()).withRowSchema(RIGHT));
    for (JoinType type : JoinType.values()) {
      PCollection<Row> joined = left.apply("Join-" + type,
          Join.of(right, type).on("id").withSuffixes("_l", "_r"));
      assertEquals(expectedSchema(type), joined.getSchema(), type.toString());
      List<Row> expected = nestedLoopJoin(type, LEFT, leftRows(), RIGHT, rightRows(), List.of("id"), List.of("id"),
          expectedSchema(type));
      PAssert.that("Join-" + type, joined).containsInAnyOrder(expected);
    }
    // Sanity of the reference itself on this data: 12 x 3 skewed pairs + 2 x 3 + unmatched 3, 4 and nulls.
    assertEquals(36 + 6, nestedLoopJoin(JoinType.INNER, LEFT, leftRows(), RIGHT, rightRows(), List.of("id"), List.of("id"),
        expectedSchema(JoinType.INNER)).size());
    assertEquals(42 + 3 + 2, nestedLoopJoin(JoinType.FULL_OUTER, LEFT, leftRows(), RIGHT, rightRows(),
        List.of("id"), List.of("id"), expectedSchema(JoinType.FULL_OUTER)).size());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void everyJoinTypeOnEmptyLeftEmptyRightAndSingleRows(String runner) {
    Pipeline p = TestRunners.pipeline(runner);
    List<Row> oneLeft = List.of(Row.withSchema(LEFT).addValues(7, "seven", 1).build());
    List<Row> oneRight = List.of(Row.withSchema(RIGHT).addValues(7, "sieben", 2).build());
    List<Row> otherRight = List.of(Row.withSchema(RIGHT).addValues(8, "acht", 3).build());
    record Case(String name, List<Row> left, List<Row> right) {}
    List<Case> cases = List.of(
        new Case("EmptyLeft", List.of(), rightRows()),
        new Case("EmptyRight", leftRows(), List.of()),
        new Case("SingleMatch", oneLeft, oneRight),
        new Case("SingleNoMatch", oneLeft, otherRight));
    for (Case c : cases) {
      PCollection<Row> left = p.apply(c.name() + "-Left", Create.of(c.left()).withRowSchema(LEFT));
      PCollection<Row> right = p.apply(c.name() + "-Right", Create.of(c.right()).withRowSchema(RIGHT));
      for (JoinType type : JoinType.values()) {
        String name = c.name() + "-" + type;
        PCollection<Row> joined = left.apply(name, Join.of(right, type).on("id").withSuffixes("_l", "_r"));
        PAssert.that(name, joined).containsInAnyOrder(
            nestedLoopJoin(type, LEFT, c.left(), RIGHT, c.right(), List.of("id"), List.of("id"),
                expectedSchema(type)));
      }
    }
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  private static final Schema SALES = Schema.builder()
      .addNullableStringField("region").addInt32Field("year").addDoubleField("x").addStringField("item").build();
  private static final Schema TARGETS = Schema.builder()
      .addStringField("reg").addNullableInt32Field("yr").addDoubleField("x").addStringField("region").build();

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void multiColumnKeysWithDifferentNamesAndFloatingPointKeys(String runner) {
    List<Row> sales = List.of(
        Row.withSchema(SALES).addValues("eu", 2024, 1.0, "a").build(),
        Row.withSchema(SALES).addValues("eu", 2024, 2.0, "b").build(),
        Row.withSchema(SALES).addValues("eu", 2025, 3.0, "c").build(),
        Row.withSchema(SALES).addValues("us", 2024, 4.0, "d").build(),
        Row.withSchema(SALES).addValues(null, 2024, 5.0, "e").build());
    List<Row> targets = List.of(
        Row.withSchema(TARGETS).addValues("eu", 2024, 10.0, "EU").build(),
        Row.withSchema(TARGETS).addValues("us", 2025, 11.0, "US").build(),
        Row.withSchema(TARGETS).addValues("us", null, 12.0, "US?").build(),
        Row.withSchema(TARGETS).addValues("ap", 2024, 13.0, "AP").build());
    Schema numbers = Schema.builder().addNullableDoubleField("d").addStringField("tag").build();
    List<Row> leftNumbers = new ArrayList<>();
    List<Row> rightNumbers = new ArrayList<>();
    for (Double d : Arrays.asList(0.0, -0.0, Double.NaN, 1.5, null)) {
      leftNumbers.add(Row.withSchema(numbers).addValues(d, "l" + d).build());
    }
    for (Double d : Arrays.asList(-0.0, Double.NaN, 2.5, null)) {
      rightNumbers.add(Row.withSchema(numbers).addValues(d, "r" + d).build());
    }

    Pipeline p = TestRunners.pipeline(runner);
    PCollection<Row> salesIn = p.apply("Sales", Create.of(sales).withRowSchema(SALES));
    PCollection<Row> targetsIn = p.apply("Targets", Create.of(targets).withRowSchema(TARGETS));
    PCollection<Row> leftNumbersIn = p.apply("LeftNumbers", Create.of(leftNumbers).withRowSchema(numbers));
    PCollection<Row> rightNumbersIn = p.apply("RightNumbers", Create.of(rightNumbers).withRowSchema(numbers));
    for (JoinType type : JoinType.values()) {
      Schema multiOut = multiKeyOutput(type);
      PCollection<Row> multi = salesIn.apply("Multi-" + type,
          Join.of(targetsIn, type).on("region", "year").rightOn("reg", "yr").withSuffixes("_l", "_r"));
      assertEquals(multiOut, multi.getSchema(), type.toString());
      PAssert.that("Multi-" + type, multi).containsInAnyOrder(
          nestedLoopJoin(type, SALES, sales, TARGETS, targets, List.of("region", "year"), List.of("reg", "yr"),
              multiOut));

      Schema floatOut = type == JoinType.LEFT_SEMI || type == JoinType.LEFT_ANTI ? numbers : Schema.builder()
          .addNullableDoubleField("d")
          .addField(Field.of("tag_left", FieldType.STRING).withNullable(leftMayBeMissing(type)))
          .addField(Field.of("tag_right", FieldType.STRING).withNullable(rightMayBeMissing(type)))
          .build();
      PCollection<Row> floats = leftNumbersIn.apply("Floats-" + type,
          Join.of(rightNumbersIn, type).on("d").withSuffixes("_left", "_right"));
      PAssert.that("Floats-" + type, floats).containsInAnyOrder(
          nestedLoopJoin(type, numbers, leftNumbers, numbers, rightNumbers, List.of("d"), List.of("d"), floatOut));
    }
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  /**
   * SALES joined with TARGETS on (region, year) = (reg, yr): keys named as on the left, "x" on both
   * sides, and the right's "region" clashing with a left key name.
   */
  private static Schema multiKeyOutput(JoinType type) {
    if (type == JoinType.LEFT_SEMI || type == JoinType.LEFT_ANTI) {
      return SALES;
    }
    // region: nullable on the left only; year: nullable on the right only.
    boolean regionNullable = type != JoinType.RIGHT_OUTER;
    boolean yearNullable = type == JoinType.RIGHT_OUTER || type == JoinType.FULL_OUTER;
    return Schema.builder()
        .addField(Field.of("region", FieldType.STRING).withNullable(regionNullable))
        .addField(Field.of("year", FieldType.INT32).withNullable(yearNullable))
        .addField(Field.of("x_l", FieldType.DOUBLE).withNullable(leftMayBeMissing(type)))
        .addField(Field.of("item", FieldType.STRING).withNullable(leftMayBeMissing(type)))
        .addField(Field.of("x_r", FieldType.DOUBLE).withNullable(rightMayBeMissing(type)))
        .addField(Field.of("region_r", FieldType.STRING).withNullable(rightMayBeMissing(type)))
        .build();
  }

  private static boolean leftMayBeMissing(JoinType type) {
    return type == JoinType.RIGHT_OUTER || type == JoinType.FULL_OUTER;
  }

  private static boolean rightMayBeMissing(JoinType type) {
    return type == JoinType.LEFT_OUTER || type == JoinType.FULL_OUTER;
  }

  @Test
  void keyNullabilityFollowsTheSideThatGivesTheKey() {
    Schema left = Schema.builder().addInt64Field("k").addStringField("a").build();
    Schema right = Schema.builder().addNullableInt64Field("k").addStringField("b").build();
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> l = p.apply("L", Create.empty(left));
    PCollection<Row> r = p.apply("R", Create.empty(right));
    assertEquals(Schema.builder().addInt64Field("k").addStringField("a").addStringField("b").build(),
        l.apply("Inner", Join.inner(r).on("k")).getSchema());
    assertEquals(Schema.builder().addInt64Field("k").addStringField("a").addNullableStringField("b").build(),
        l.apply("LeftOuter", Join.leftOuter(r).on("k")).getSchema());
    assertEquals(Schema.builder().addNullableInt64Field("k").addNullableStringField("a").addStringField("b").build(),
        l.apply("RightOuter", Join.rightOuter(r).on("k")).getSchema());
    assertEquals(
        Schema.builder().addNullableInt64Field("k").addNullableStringField("a").addNullableStringField("b").build(),
        l.apply("FullOuter", Join.fullOuter(r).on("k")).getSchema());
    assertEquals(left, l.apply("Semi", Join.leftSemi(r).on("k")).getSchema());
    assertEquals(left, l.apply("Anti", Join.leftAnti(r).on("k")).getSchema());
  }

  @Test
  void invalidJoinsFailAtConstructionOrExpandNamingTheProblem() {
    Pipeline p = TestRunners.pipeline("direct");
    PCollection<Row> left = p.apply("Left", Create.empty(LEFT));
    PCollection<Row> right = p.apply("Right", Create.empty(RIGHT));
    Schema stringIds = Schema.builder().addStringField("id").addInt32Field("other").build();
    PCollection<Row> stringRight = p.apply("StringIds", Create.empty(stringIds));
    Schema mapKeys = Schema.builder().addMapField("m", FieldType.STRING, FieldType.INT32).build();
    PCollection<Row> maps = p.apply("Maps", Create.empty(mapKeys));

    assertMessage("Join.on needs at least one key column", () -> Join.inner(right).on());
    assertMessage("key column 'id' is listed twice", () -> Join.inner(right).on("id", "id"));
    assertMessage("name the left key columns with on(...) first", () -> Join.inner(right).rightOn("id"));
    assertMessage("rightOn has 2 columns but on has 1", () -> Join.inner(right).on("id").rightOn("id", "rv"));
    assertMessage("the suffixes must differ", () -> Join.inner(right).on("id").withSuffixes("_x", "_x"));
    assertMessage("the right input must not be null", () -> Join.inner(null));
    assertMessage("has no key columns", () -> left.apply("NoKeys", Join.inner(right)));
    assertMessage("unknown key column 'nope' on the left; the left input has columns [id, name, lv]",
        () -> left.apply("UnknownLeft", Join.inner(right).on("nope")));
    assertMessage("unknown key column 'lv' on the right; the right input has columns [id, name, rv]",
        () -> left.apply("UnknownRight", Join.inner(right).on("lv").withSuffixes("_l", "_r")));
    assertMessage("key column 'id' is INT32 on the left but key column 'id' is STRING NOT NULL on the right",
        () -> left.apply("TypeMismatch", Join.inner(stringRight).on("id")));
    assertMessage("columns [name] are on both sides",
        () -> left.apply("Clash", Join.inner(right).on("id")));
    // The right's "id" is no key here, and keys keep their names, so only a right suffix could help.
    assertMessage("the output would have column 'id' twice",
        () -> left.apply("ClashWithKey", Join.inner(right).on("id").rightOn("rv").withSuffixes("_l", "")));
    assertMessage("a map cannot be a join key", () -> maps.apply("MapKey", Join.inner(maps).on("m")));
    // Semi and anti joins output the left columns only, so a name on both sides is no clash.
    assertEquals(LEFT, left.apply("SemiNoSuffixes", Join.leftSemi(right).on("id")).getSchema());
  }


  /**
   * The reference: for each left row, every right row whose key columns are all non-null and equal
   * (0.0 equals -0.0, NaN equals NaN). An output row is the keys (the left row's, or the right's when
   * there is no left row), the left's other columns, then the right's, as {@code out} has them.
   */
  static List<Row> nestedLoopJoin(JoinType type, Schema leftSchema, List<Row> left, Schema rightSchema,
      List<Row> right, List<String> leftKeys, List<String> rightKeys, Schema out) {
    Sides sides = new Sides(leftSchema, rightSchema, leftKeys, rightKeys, out);
    List<Row> result = new ArrayList<>();
    boolean[] rightMatched = new boolean[right.size()];
    for (Row l : left) {
      boolean matched = false;
      for (int j = 0; j < right.size(); j++) {
        Row r = right.get(j);
        if (keysMatch(l, leftKeys, r, rightKeys)) {
          matched = true;
          rightMatched[j] = true;
          if (type != JoinType.LEFT_SEMI && type != JoinType.LEFT_ANTI) {
            result.add(sides.row(l, r));
          }
        }
      }
      if ((type == JoinType.LEFT_SEMI && matched) || (type == JoinType.LEFT_ANTI && !matched)) {
        result.add(l);
      }
      if (!matched && (type == JoinType.LEFT_OUTER || type == JoinType.FULL_OUTER)) {
        result.add(sides.row(l, null));
      }
    }
    if (type == JoinType.RIGHT_OUTER || type == JoinType.FULL_OUTER) {
      for (int j = 0; j < right.size(); j++) {
        if (!rightMatched[j]) {
          result.add(sides.row(null, right.get(j)));
        }
      }
    }
    return result;
  }

  private static boolean keysMatch(Row l, List<String> leftKeys, Row r, List<String> rightKeys) {
    for (int i = 0; i < leftKeys.size(); i++) {
      Object a = l.getValue(leftKeys.get(i));
      Object b = r.getValue(rightKeys.get(i));
      if (a == null || b == null) {
        return false;
      }
      boolean equal = a instanceof Double x && b instanceof Double y
          ? x.doubleValue() == y.doubleValue() || (x.isNaN() && y.isNaN())
          : Objects.equals(a, b);
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  private record Sides(Schema left, Schema right, List<String> leftKeys, List<String> rightKeys, Schema out) {
    Row row(Row l, Row r) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < leftKeys.size(); i++) {
        values.add(l != null ? l.getValue(leftKeys.get(i)) : r.getValue(rightKeys.get(i)));
      }
      for (String name : left.getFieldNames()) {
        if (!leftKeys.contains(name)) {
          values.add(l == null ? null : l.getValue(name));
        }
      }
      for (String name : right.getFieldNames()) {
        if (!rightKeys.contains(name)) {
          values.add(r == null ? null : r.getValue(name));
        }
      }
      return Row.withSchema(out).addValues(values).build();
    }
  }
}
