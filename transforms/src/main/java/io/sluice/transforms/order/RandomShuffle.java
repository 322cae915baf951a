package io.sluice.transforms.order;

import java.security.SecureRandom;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code random_shuffle(seed)} as a portable Beam transform: a pseudo-random permutation,
 * carried as data because a Beam collection has no order. Rows come out with a trailing INT64
 * column ({@code row_index} unless renamed) holding their position; other elements, through
 * {@link #elements()}, as {@code KV<position, element>}.
 *
 * <pre>{@code
 * PCollection<Row> shuffled = rows.apply(RandomShuffle.withSeed(42));
 * PCollection<KV<Long, String>> lines = text.apply(RandomShuffle.withSeed(42).<String>elements());
 * }</pre>
 *
 * <p>The permutation orders elements by {@link EncodedHash} of (seed, encoded element), reusing
 * {@link Sort}'s range-partitioned machinery, so a seed gives the same permutation on every runner
 * and in every run; equal elements are interchangeable. The element coder must be deterministic
 * (maps are not; floating point is accepted). Without a seed ({@link #create()}) one is drawn when
 * the pipeline is built. The input must be in the global window.
 */
public final class RandomShuffle extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Null: draw one when the pipeline is built. */
  private final Long seed;
  private final String indexColumn;
  private final int partitions;

  private RandomShuffle(Long seed, String indexColumn, int partitions) {
    this.seed = seed;
    this.indexColumn = indexColumn;
    this.partitions = partitions;
  }

  /** The permutation this seed gives, on every runner. */
  public static RandomShuffle withSeed(long seed) {
    return new RandomShuffle(seed, IndexedRows.DEFAULT_INDEX_COLUMN, 0);
  }

  /** A different permutation each time the pipeline is built. */
  public static RandomShuffle create() {
    return new RandomShuffle(null, IndexedRows.DEFAULT_INDEX_COLUMN, 0);
  }

  /** Names the INT64 column holding each row's position (default {@code row_index}). */
  public RandomShuffle withIndexColumn(String name) {
    IndexedRows.requireIndexColumnName("RandomShuffle", name);
    return new RandomShuffle(seed, name, partitions);
  }

  /** Orders in this many hash ranges, each in one worker's memory (default: sized from the count). */
  public RandomShuffle withPartitions(int count) {
    Sort.requirePartitions("RandomShuffle", count);
    return new RandomShuffle(seed, indexColumn, count);
  }

  /** The same shuffle for elements of any type, positioned as {@code KV<position, element>}. */
  public <T> Elements<T> elements() {
    return new Elements<>(seed, partitions);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    String transform = "RandomShuffle";
    if (!input.hasSchema()) {
      throw new IllegalArgumentException(transform + " adds an index column, so its input needs a schema; "
          + "shuffle other elements with RandomShuffle.withSeed(seed).elements()");
    }
    requireShufflable(transform, input);
    Schema output = IndexedRows.withIndexColumn(transform, input.getSchema(), indexColumn);
    return input
        .apply("Permute", new Elements<Row>(seed, partitions))
        .apply("AppendIndex", ParDo.of(new IndexedRows.AppendIndexFn(output)))
        .setRowSchema(output);
  }

  private static void requireShufflable(String transform, PCollection<?> input) {
    RangeIndex.requireGlobalWindow(transform, input);
    EncodedHash.requireDeterministic(transform, input.getCoder());
  }

  /**
   * RandomShuffle for any element type: {@code KV<position, element>}, positions 0 to n-1.
   */
  public static final class Elements<T> extends PTransform<PCollection<T>, PCollection<KV<Long, T>>> {
    private final Long seed;
    private final int partitions;

    private Elements(Long seed, int partitions) {
      this.seed = seed;
      this.partitions = partitions;
    }

    /** Orders in this many hash ranges, each in one worker's memory (default: sized from the count). */
    public Elements<T> withPartitions(int count) {
      Sort.requirePartitions("RandomShuffle", count);
      return new Elements<>(seed, count);
    }

    @Override
    public PCollection<KV<Long, T>> expand(PCollection<T> input) {
      requireShufflable("RandomShuffle", input);
      Coder<T> coder = input.getCoder();
      long chosenSeed = seed != null ? seed : new SecureRandom().nextLong();
      return input
          .apply("HashKeys", ParDo.of(new HashKeyFn<>(coder, chosenSeed)))
          .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
          .apply("Position", new RangeIndex(partitions))
          .apply("Decode", ParDo.of(new DecodePositionedFn<>(coder)))
          .setCoder(KvCoder.of(VarLongCoder.of(), coder));
    }
  }

  /** An element as (its 8-byte big-endian seeded hash, its encoding): the entry RangeIndex orders. */
  private static final class HashKeyFn<T> extends DoFn<T, KV<byte[], byte[]>> {
    private final Coder<T> coder;
    private final long seed;

    HashKeyFn(Coder<T> coder, long seed) {
      this.coder = coder;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<byte[], byte[]>> out) throws Exception {
      byte[] encoded = CoderUtils.encodeToByteArray(coder, element);
      KeyBuffer key = new KeyBuffer();
      key.putLong(EncodedHash.of(seed, encoded));
      out.output(KV.of(key.toByteArray(), encoded));
    }
  }
}
