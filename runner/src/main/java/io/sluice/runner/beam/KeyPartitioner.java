package io.sluice.runner.beam;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Splits blocks of {@code WindowedValue<KV<K, V>>} by a hash of the key's structural value (the key
 * itself when its coder is consistent with equals, its encoding otherwise), and groups a
 * partition's elements by key, in arrival order.
 */
final class KeyPartitioner {
  private final Coder<Object> keyCoder;
  private final int partitions;

  @SuppressWarnings("unchecked")
  KeyPartitioner(Coder<?> keyCoder, int partitions) {
    this.keyCoder = (Coder<Object>) keyCoder;
    this.partitions = partitions;
  }

  int partitions() {
    return partitions;
  }

  Object structuralKey(Object key) {
    return keyCoder.structuralValue(key);
  }

  int partitionOf(Object structuralKey) {
    int h = structuralKey == null ? 0 : structuralKey.hashCode();
    h ^= (h >>> 16);
    h *= 0x45d9f3b;
    h ^= (h >>> 16);
    return Math.floorMod(h, partitions);
  }

  Block[] partition(Block input) {
    long bytesPerRow = input.rows() == 0 ? 0 : input.bytes() / input.rows();
    return split(((RowBlock<?>) input).elements(),
        element -> structuralKey(((KV<?, ?>) ((WindowedValue<?>) element).getValue()).getKey()), bytesPerRow);
  }

  /**
   * {@code rows} split by the partition of each one's structural key, in order: one block per
   * partition, charged {@code bytesPerRow} a row, null where a partition gets none.
   */
  <T> Block[] split(List<T> rows, Function<? super T, Object> structuralKeyOf, long bytesPerRow) {
    @SuppressWarnings("unchecked")
    List<T>[] lists = new List[partitions];
    for (T row : rows) {
      int p = partitionOf(structuralKeyOf.apply(row));
      if (lists[p] == null) {
        lists[p] = new ArrayList<>();
      }
      lists[p].add(row);
    }
    Block[] blocks = new Block[partitions];
    for (int p = 0; p < partitions; p++) {
      if (lists[p] != null) {
        blocks[p] = new RowBlock<>(lists[p], bytesPerRow * lists[p].size());
      }
    }
    return blocks;
  }

  /** A key's elements; {@code key} is the first key object seen for the structural value. */
  record KeyGroup(Object key, List<WindowedValue<KV<Object, Object>>> elements) {}

  @SuppressWarnings("unchecked")
  Map<Object, KeyGroup> groupByKey(List<Block> blocks) {
    Map<Object, KeyGroup> groups = new LinkedHashMap<>();
    for (Block block : blocks) {
      for (Object element : ((RowBlock<?>) block).elements()) {
        WindowedValue<KV<Object, Object>> value = (WindowedValue<KV<Object, Object>>) element;
        Object key = value.getValue().getKey();
        groups.computeIfAbsent(structuralKey(key), k -> new KeyGroup(key, new ArrayList<>())).elements().add(value);
      }
    }
    return groups;
  }
}
