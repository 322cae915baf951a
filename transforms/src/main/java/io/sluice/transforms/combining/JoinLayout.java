package io.sluice.transforms.combining;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.values.Row;

/**
 * A join's output schema and where each of its columns comes from: the key columns once (named as
 * on the left), then the left's other columns, then the right's; a name on both sides gets its
 * side's suffix, and columns of a side that may be missing are nullable. Semi and anti joins keep
 * the left schema.
 */
final class JoinLayout implements Serializable {
  private final Schema output;
  private final boolean leftRowsOnly;
  private final int[] leftKeys;
  private final int[] rightKeys;
  private final int[] leftRest;
  private final int[] rightRest;

  private JoinLayout(Schema output, boolean leftRowsOnly, int[] leftKeys, int[] rightKeys, int[] leftRest,
      int[] rightRest) {
    this.output = output;
    this.leftRowsOnly = leftRowsOnly;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.leftRest = leftRest;
    this.rightRest = rightRest;
  }

  /** The layout for joining rows of these schemas on key columns already checked to exist. */
  static JoinLayout plan(String transform, JoinType type, Schema left, Schema right, int[] leftKeys,
      int[] rightKeys, Join.Suffixes suffixes) {
    int[] leftRest = others(left, leftKeys);
    int[] rightRest = others(right, rightKeys);
    if (type.outputsLeftRowsOnly()) {
      return new JoinLayout(left, true, leftKeys, rightKeys, leftRest, rightRest);
    }
    Set<String> leftNames = new HashSet<>(left.getFieldNames());
    Set<String> clashing = new HashSet<>();
    for (int column : rightRest) {
      String name = right.getField(column).getName();
      // A right column may clash with a left key too; keys keep their names, so it alone is suffixed.
      if (leftNames.contains(name)) {
        clashing.add(name);
      }
    }
    if (!clashing.isEmpty() && suffixes.left().isEmpty() && suffixes.right().isEmpty()) {
      throw new IllegalArgumentException(transform + ": columns " + sorted(clashing) + " are on both sides; "
          + "tell them apart with withSuffixes(\"_left\", \"_right\") (Ray's default of no suffixes would give "
          + "duplicate column names, which a Beam schema cannot hold)");
    }
    boolean rightMayBeMissing = type.keepsUnmatchedLeft();
    boolean leftMayBeMissing = type.keepsUnmatchedRight();
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < leftKeys.length; i++) {
      Field key = left.getField(leftKeys[i]);
      boolean nullable = switch (type) {
        case RIGHT_OUTER -> right.getField(rightKeys[i]).getType().getNullable();
        case FULL_OUTER -> key.getType().getNullable() || right.getField(rightKeys[i]).getType().getNullable();
        default -> key.getType().getNullable();
      };
      fields.add(key.withNullable(nullable));
    }
    for (int column : leftRest) {
      fields.add(renamed(left.getField(column), clashing, suffixes.left(), leftMayBeMissing));
    }
    for (int column : rightRest) {
      fields.add(renamed(right.getField(column), clashing, suffixes.right(), rightMayBeMissing));
    }
    Set<String> seen = new HashSet<>();
    for (Field field : fields) {
      if (!seen.add(field.getName())) {
        throw new IllegalArgumentException(transform + ": the output would have column '" + field.getName()
            + "' twice (suffixes \"" + suffixes.left() + "\" and \"" + suffixes.right() + "\"); choose other "
            + "suffixes with withSuffixes(left, right)");
      }
    }
    return new JoinLayout(Schema.builder().addFields(fields).build(), false, leftKeys, rightKeys, leftRest, rightRest);
  }

  Schema output() {
    return output;
  }

  /** The output row of a left and a right row with equal keys, either of which may be null (unmatched). */
  Row joined(Row left, Row right) {
    if (leftRowsOnly) {
      return left;
    }
    List<Object> values = new ArrayList<>(output.getFieldCount());
    Row keySource = left != null ? left : right;
    for (int column : left != null ? leftKeys : rightKeys) {
      values.add(keySource.getValue(column));
    }
    for (int column : leftRest) {
      values.add(left == null ? null : left.getValue(column));
    }
    for (int column : rightRest) {
      values.add(right == null ? null : right.getValue(column));
    }
    return Row.withSchema(output).addValues(values).build();
  }

  private static Field renamed(Field field, Set<String> clashing, String suffix, boolean mayBeMissing) {
    Field named = clashing.contains(field.getName()) ? field.withName(field.getName() + suffix) : field;
    return mayBeMissing ? named.withNullable(true) : named;
  }

  private static int[] others(Schema schema, int[] keys) {
    Set<Integer> keySet = new HashSet<>();
    for (int key : keys) {
      keySet.add(key);
    }
    return java.util.stream.IntStream.range(0, schema.getFieldCount()).filter(i -> !keySet.contains(i)).toArray();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
