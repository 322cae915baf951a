package io.sluice.transforms;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;

/**
 * The column-name checks every schema transform makes, with one wording: a column given twice or
 * not at all fails where the transform is built, an unknown column where it is applied.
 */
public final class ColumnNames {
  private ColumnNames() {}

  /** The position of {@code column} in {@code schema}; fails naming {@code transform} and listing the columns. */
  public static int indexOf(Schema schema, String column, String transform) {
    if (!schema.hasField(column)) {
      throw new IllegalArgumentException(transform + ": unknown column '" + column + "'; the input has columns "
          + schema.getFieldNames());
    }
    return schema.indexOf(column);
  }

  /**
   * {@code names} as a list, after checking there is at least one and none is empty or repeated;
   * {@code what} says what they name in the message (e.g. "key column").
   */
  public static List<String> requireDistinct(String method, String what, String... names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException(method + ": give at least one " + what);
    }
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(method + ": a " + what + " name must not be null or empty");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(method + ": " + what + " '" + name + "' is given twice");
      }
    }
    return List.of(names);
  }
}
