package io.sluice.transforms.order;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/**
 * The orders the transforms promise, computed in plain Java from their definitions (a comparator
 * plus encoded-bytes ties; a seeded hash of the encoding), to check the distributed results against.
 */
public final class ExpectedOrder {
  private ExpectedOrder() {}

  /** Ascending by a column, nulls first. */
  @SuppressWarnings("unchecked")
  public static <V extends Comparable<? super V>> Comparator<Row> ascending(String column) {
    return Comparator.comparing(row -> (V) row.getValue(column), Comparator.nullsFirst(Comparator.naturalOrder()));
  }

  /** Descending by a column: the exact reverse, so nulls last. */
  public static <V extends Comparable<? super V>> Comparator<Row> descending(String column) {
    return ExpectedOrder.<V>ascending(column).reversed();
  }

  /** The rows sorted by {@code keys}, ties by their encoding, each with its position appended. */
  public static List<Row> sorted(List<Row> rows, Schema schema, Coder<Row> coder, Comparator<Row> keys,
      String indexColumn) {
    Comparator<Row> byEncoding = (a, b) -> Arrays.compareUnsigned(encode(coder, a), encode(coder, b));
    List<Row> ordered = new ArrayList<>(rows);
    ordered.sort(keys.thenComparing(byEncoding));
    Schema output = Schema.builder().addFields(schema.getFields()).addInt64Field(indexColumn).build();
    List<Row> indexed = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      List<Object> values = new ArrayList<>(ordered.get(i).getValues());
      values.add((long) i);
      indexed.add(Row.withSchema(output).attachValues(values));
    }
    return indexed;
  }

  /** The elements in RandomShuffle's order for {@code seed}: by seeded hash of the encoding, then encoding. */
  public static <T> List<KV<Long, T>> shuffled(List<T> elements, Coder<T> coder, long seed) {
    Comparator<T> byHash = Comparator.comparing(element -> EncodedHash.of(seed, encode(coder, element)),
        Long::compareUnsigned);
    Comparator<T> byEncoding = (a, b) -> Arrays.compareUnsigned(encode(coder, a), encode(coder, b));
    List<T> ordered = new ArrayList<>(elements);
    ordered.sort(byHash.thenComparing(byEncoding));
    List<KV<Long, T>> positioned = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      positioned.add(KV.of((long) i, ordered.get(i)));
    }
    return positioned;
  }

  static <T> byte[] encode(Coder<T> coder, T element) {
    try {
      return CoderUtils.encodeToByteArray(coder, element);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
