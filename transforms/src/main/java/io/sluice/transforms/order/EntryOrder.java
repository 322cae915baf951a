package io.sluice.transforms.order;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.beam.sdk.values.KV;

/**
 * The total order of (key, encoded element) entries: keys unsigned-lexicographically, ties by the
 * element's encoded bytes, so equal keys still get the same positions on every runner.
 */
final class EntryOrder {
  static final Comparator<KV<byte[], byte[]>> ENTRIES = EntryOrder::compare;

  private EntryOrder() {}

  static int compare(KV<byte[], byte[]> a, KV<byte[], byte[]> b) {
    int byKey = Arrays.compareUnsigned(a.getKey(), b.getKey());
    return byKey != 0 ? byKey : Arrays.compareUnsigned(a.getValue(), b.getValue());
  }
}
