package io.sluice.transforms.arrow;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.arrow.vector.types.TimeUnit;

/** Epoch counts in an Arrow time unit to and from java.time values, exactly or not at all. */
final class TimeUnits {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private TimeUnits() {}

  static long nanosPerUnit(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> NANOS_PER_SECOND;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  static long unitsPerSecond(TimeUnit unit) {
    return NANOS_PER_SECOND / nanosPerUnit(unit);
  }

  static Instant toInstant(long count, TimeUnit unit) {
    long perSecond = unitsPerSecond(unit);
    return Instant.ofEpochSecond(Math.floorDiv(count, perSecond), Math.floorMod(count, perSecond) * nanosPerUnit(unit));
  }

  static LocalDateTime toLocalDateTime(long count, TimeUnit unit) {
    long perSecond = unitsPerSecond(unit);
    return LocalDateTime.ofEpochSecond(Math.floorDiv(count, perSecond),
        (int) (Math.floorMod(count, perSecond) * nanosPerUnit(unit)), ZoneOffset.UTC);
  }

  /** The count of units since the epoch; fails if the instant is finer than the unit or out of range. */
  static long fromInstant(Instant instant, TimeUnit unit, String path) {
    return count(instant.getEpochSecond(), instant.getNano(), unit, path, instant);
  }

  static long fromLocalDateTime(LocalDateTime dateTime, TimeUnit unit, String path) {
    return count(dateTime.toEpochSecond(ZoneOffset.UTC), dateTime.getNano(), unit, path, dateTime);
  }

  private static long count(long seconds, int nanos, TimeUnit unit, String path, Object value) {
    long perUnit = nanosPerUnit(unit);
    if (nanos % perUnit != 0) {
      throw new IllegalArgumentException("Beam field '" + path + "' holds " + value + ", finer than its Arrow "
          + "column's unit (" + unit + "); the value would be truncated");
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, unitsPerSecond(unit)), nanos / perUnit);
    } catch (ArithmeticException overflow) {
      throw new IllegalArgumentException("Beam field '" + path + "' holds " + value + ", outside the range of its "
          + "Arrow column (64-bit count of " + unit + "s since 1970)");
    }
  }
}
