package io.sluice.runner.beam;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The longs 0 to n-1 in one split, whose reader fails in the ways reads fail: as it comes to a
 * given record (at 0: as it opens, a service that timed out), a given number of times in all; or,
 * read again, it yields fewer records (a source that is not deterministic).
 */
public final class FlakyRangeSource extends BoundedSource<Long> {
  /** Failures left and readers opened, per source: a source is serializable, counters are not. */
  private static final Map<String, AtomicInteger[]> COUNTERS = new ConcurrentHashMap<>();

  private final long records;
  private final long recordsWhenReadAgain;
  private final long failAt;
  private final String key = UUID.randomUUID().toString();

  private FlakyRangeSource(long records, long recordsWhenReadAgain, long failAt, int failures) {
    this.records = records;
    this.recordsWhenReadAgain = recordsWhenReadAgain;
    this.failAt = failAt;
    COUNTERS.put(key, new AtomicInteger[] {new AtomicInteger(failures), new AtomicInteger()});
  }

  /** 0 to n-1; the reader fails as it comes to record {@code failAt}, {@code failures} times in all. */
  public static FlakyRangeSource failingAt(long n, long failAt, int failures) {
    return new FlakyRangeSource(n, n, failAt, failures);
  }

  /** 0 to first-1 when first read, 0 to later-1 each time it is read again. */
  public static FlakyRangeSource yieldingFewerWhenReadAgain(long first, long later) {
    return new FlakyRangeSource(first, later, -1, 0);
  }

  public int failuresLeft() {
    return COUNTERS.get(key)[0].get();
  }

  @Override
  public List<? extends BoundedSource<Long>> split(long desiredBundleSizeBytes, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) {
    return records * 8;
  }

  @Override
  public Coder<Long> getOutputCoder() {
    return VarLongCoder.of();
  }

  @Override
  public BoundedReader<Long> createReader(PipelineOptions options) {
    AtomicInteger[] counters = COUNTERS.get(key);
    long available = counters[1].getAndIncrement() == 0 ? records : recordsWhenReadAgain;
    AtomicInteger failuresLeft = counters[0];
    return new BoundedReader<>() {
      private long current = -1;

      @Override
      public boolean start() throws IOException {
        return advance();
      }

      @Override
      public boolean advance() throws IOException {
        if (current + 1 == failAt && failuresLeft.get() > 0 && failuresLeft.getAndDecrement() > 0) {
          throw new IOException("a transient failure reading record " + failAt);
        }
        return ++current < available;
      }

      @Override
      public Long getCurrent() {
        return current;
      }

      @Override
      public void close() {}

      @Override
      public BoundedSource<Long> getCurrentSource() {
        return FlakyRangeSource.this;
      }
    };
  }
}
