package io.sluice.runner;

import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHint;

/** A Sluice hint holding one whole number >= 1, written as its decimal digits. */
abstract class WholeNumberHint extends ResourceHint {
  private final int value;

  /** @param what what the number is, for messages ("batch size") */
  WholeNumberHint(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, was " + value);
    }
    this.value = value;
  }

  final int value() {
    return value;
  }

  /**
   * Parses what {@link #toBytes()} wrote, naming the transform if it is malformed.
   *
   * @param builder how to build a valid hint, for the message ("BatchSizeHint.of")
   */
  static int parse(String transform, String what, String builder, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("Transform '" + transform + "' has " + what + " hint '" + text
        + "'; it must be a whole number >= 1 (build it with " + builder + ")");
  }

  @Override
  public final byte[] toBytes() {
    return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public final boolean equals(Object other) {
    return other != null && other.getClass() == getClass() && ((WholeNumberHint) other).value == value;
  }

  @Override
  public final int hashCode() {
    return 31 * getClass().hashCode() + value;
  }
}
