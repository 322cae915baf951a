package io.sluice.benchmarks;

import org.apache.beam.sdk.values.KV;

/**
 * The per-record work of the throughput benchmark, shared verbatim by the Beam pipeline and the
 * hand-written loop so both do exactly the same computation.
 */
final class SyntheticRecords {

  static final int KEYS = 1000;

  private SyntheticRecords() {}

  /** A CSV-ish line; string building is deliberate so every record costs real CPU work. */
  static String format(long i) {
    return "key" + (i % KEYS) + "," + (i * 7 % KEYS);
  }

  /** Parses a line from {@link #format} back into a key and a value. */
  static KV<String, Long> parse(String line) {
    int comma = line.indexOf(',');
    return KV.of(line.substring(0, comma), Long.parseLong(line, comma + 1, line.length(), 10));
  }

  static boolean keep(long value) {
    return value % 3 != 0;
  }

  /**
   * Folds one (key, per-key sum) into a number whose total over all keys is the checksum. Summing
   * the mixed values is order-independent, so runners may emit keys in any order, yet a wrong key,
   * a wrong sum, or a lost or duplicated key changes the result.
   */
  static long mix(String key, long sum) {
    long h = key.hashCode() * 0x9E3779B97F4A7C15L;
    return (h ^ (h >>> 29)) + sum * 0xBF58476D1CE4E5B9L;
  }
}
