package io.sluice.transforms.combining;

/** The kinds of {@link Join}, named after Ray Data's {@code join_type} values. */
public enum JoinType {
  /** Pairs of matching rows. */
  INNER,
  /** Pairs of matching rows, plus each left row without a match (right columns null). */
  LEFT_OUTER,
  /** Pairs of matching rows, plus each right row without a match (left columns null). */
  RIGHT_OUTER,
  /** Pairs of matching rows, plus the unmatched rows of both sides. */
  FULL_OUTER,
  /** Each left row that has at least one match, once, with the left columns only. */
  LEFT_SEMI,
  /** Each left row that has no match, with the left columns only. */
  LEFT_ANTI;

  /** Whether left rows without a match are part of the output. */
  boolean keepsUnmatchedLeft() {
    return this == LEFT_OUTER || this == FULL_OUTER || this == LEFT_ANTI;
  }

  /** Whether right rows without a match are part of the output. */
  boolean keepsUnmatchedRight() {
    return this == RIGHT_OUTER || this == FULL_OUTER;
  }

  /** Whether the output has the left rows as they are (semi and anti joins). */
  boolean outputsLeftRowsOnly() {
    return this == LEFT_SEMI || this == LEFT_ANTI;
  }

  /** Ray Data's name for this join type, for messages. */
  String rayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
