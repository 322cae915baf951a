package io.sluice.transforms.order;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;

/**
 * Samples (key, element) entries and turns the sample into range boundaries: the points that cut
 * the entry order into partitions of about equal size.
 *
 * <p>Each entry gets a random priority and every accumulator keeps the {@code capacity} entries of
 * lowest priority, which merges into a uniform sample without replacement however the runner splits
 * the input. Sampled points keep only a prefix of key and element: any point is a valid boundary,
 * a shorter one just cuts a little less evenly. The element prefix lets a key that most rows share
 * be split across partitions (when those rows differ within their first {@value #PREFIX_BYTES}
 * encoded bytes).
 */
final class RangeSample extends Combine.CombineFn<KV<byte[], byte[]>, RangeSample.Reservoir, List<KV<byte[], byte[]>>> {
  static final int PREFIX_BYTES = 256;
  /** Without withPartitions, one partition per this many rows, sorted in memory by one worker. */
  static final long ROWS_PER_DEFAULT_PARTITION = 50_000;
  static final int MAX_DEFAULT_PARTITIONS = 256;
  /** Sample points per partition: enough that partitions come out within a few percent of equal. */
  private static final int POINTS_PER_PARTITION = 32;
  private static final int MIN_CAPACITY = 1024;

  /** Requested partitions, or 0 to size them from the row count. */
  private final int partitions;
  private final int capacity;

  RangeSample(int partitions) {
    this.partitions = partitions;
    int planned = partitions > 0 ? partitions : MAX_DEFAULT_PARTITIONS;
    this.capacity = Math.max(MIN_CAPACITY, POINTS_PER_PARTITION * planned);
  }

  /** A sampled entry's prefix with the random priority that decides whether it stays sampled. */
  record Point(long priority, byte[] key, byte[] element) {}

  /** How many entries were seen, and the sampled ones: a max-heap on priority, to evict the highest. */
  static final class Reservoir {
    long count;
    final PriorityQueue<Point> points = new PriorityQueue<>(Comparator.comparingLong(Point::priority).reversed());

    void offer(Point point, int capacity) {
      if (points.size() < capacity) {
        points.add(point);
      } else if (point.priority() < points.peek().priority()) {
        points.poll();
        points.add(point);
      }
    }
  }

  @Override
  public Reservoir createAccumulator() {
    return new Reservoir();
  }

  @Override
  public Reservoir addInput(Reservoir reservoir, KV<byte[], byte[]> entry) {
    reservoir.count++;
    long priority = ThreadLocalRandom.current().nextLong();
    if (reservoir.points.size() < capacity || priority < reservoir.points.peek().priority()) {
      reservoir.offer(prefixOf(priority, entry), capacity);
    }
    return reservoir;
  }

  @Override
  public Reservoir mergeAccumulators(Iterable<Reservoir> reservoirs) {
    Reservoir merged = new Reservoir();
    for (Reservoir reservoir : reservoirs) {
      merged.count += reservoir.count;
      for (Point point : reservoir.points) {
        merged.offer(point, capacity);
      }
    }
    return merged;
  }

  /** Boundaries b1 < b2 < ...: partition p holds the entries e with b(p) <= e < b(p+1). */
  @Override
  public List<KV<byte[], byte[]>> extractOutput(Reservoir reservoir) {
    List<KV<byte[], byte[]>> sample = new ArrayList<>();
    for (Point point : reservoir.points) {
      sample.add(KV.of(point.key(), point.element()));
    }
    sample.sort(EntryOrder.ENTRIES);
    int wanted = partitions > 0 ? partitions : defaultPartitions(reservoir.count);
    List<KV<byte[], byte[]>> boundaries = new ArrayList<>();
    for (int i = 1; i < wanted && !sample.isEmpty(); i++) {
      KV<byte[], byte[]> cut = sample.get((int) ((long) i * sample.size() / wanted));
      if (boundaries.isEmpty() || EntryOrder.compare(boundaries.get(boundaries.size() - 1), cut) < 0) {
        boundaries.add(cut);
      }
    }
    return boundaries;
  }

  static int defaultPartitions(long rows) {
    long partitions = (rows + ROWS_PER_DEFAULT_PARTITION - 1) / ROWS_PER_DEFAULT_PARTITION;
    return (int) Math.max(1, Math.min(MAX_DEFAULT_PARTITIONS, partitions));
  }

  @Override
  public Coder<Reservoir> getAccumulatorCoder(CoderRegistry registry, Coder<KV<byte[], byte[]>> inputCoder) {
    return new ReservoirCoder();
  }

  @Override
  public Coder<List<KV<byte[], byte[]>>> getDefaultOutputCoder(CoderRegistry registry,
      Coder<KV<byte[], byte[]>> inputCoder) {
    return boundariesCoder();
  }

  static Coder<List<KV<byte[], byte[]>>> boundariesCoder() {
    return ListCoder.of(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
  }

  private static Point prefixOf(long priority, KV<byte[], byte[]> entry) {
    byte[] key = entry.getKey();
    if (key.length > PREFIX_BYTES) {
      // A cut key must not be followed by element bytes: they would compare against the key's rest.
      return new Point(priority, Arrays.copyOf(key, PREFIX_BYTES), new byte[0]);
    }
    byte[] element = entry.getValue();
    return new Point(priority, key, Arrays.copyOf(element, Math.min(element.length, PREFIX_BYTES)));
  }

  private static final class ReservoirCoder extends CustomCoder<Reservoir> {
    @Override
    public void encode(Reservoir reservoir, OutputStream out) throws IOException {
      VarLongCoder.of().encode(reservoir.count, out);
      VarIntCoder.of().encode(reservoir.points.size(), out);
      for (Point point : reservoir.points) {
        BigEndianLongCoder.of().encode(point.priority(), out);
        ByteArrayCoder.of().encode(point.key(), out);
        ByteArrayCoder.of().encode(point.element(), out);
      }
    }

    @Override
    public Reservoir decode(InputStream in) throws IOException {
      Reservoir reservoir = new Reservoir();
      reservoir.count = VarLongCoder.of().decode(in);
      int size = VarIntCoder.of().decode(in);
      for (int i = 0; i < size; i++) {
        reservoir.points.add(new Point(BigEndianLongCoder.of().decode(in), ByteArrayCoder.of().decode(in),
            ByteArrayCoder.of().decode(in)));
      }
      return reservoir;
    }
  }
}
