package io.sluice.transforms.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** The check every "invalid arguments fail at construction" test makes. */
public final class Rejections {
  private Rejections() {}

  /** {@code construct} throws an IllegalArgumentException whose message contains {@code expected}. */
  public static void assertMessage(String expected, Executable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
