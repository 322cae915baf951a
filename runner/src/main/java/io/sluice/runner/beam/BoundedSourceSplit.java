package io.sluice.runner.beam;

import io.sluice.runner.engine.operator.CoreYield;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * Reads one split of a BoundedSource a chunk at a time; the reader stays open in between. Read on
 * its own, a chunk becomes blocks; fused with a stage, it is fed through the stage as it is read.
 */
final class BoundedSourceSplit implements ElementFeed {
  /**
   * Rows per chunk, in target-sized blocks: one task's worth. Fewer, larger chunks mean fewer
   * bundles (each ends with a map-side combine flush), while chunks fed into a stage hold no more
   * than one element live at a time.
   */
  private static final int BLOCKS_PER_CALL = 16;
  /** A chunk's output, in target-sized blocks, beyond which it ends whatever its row count. */
  private static final int MAX_CHUNK_OUTPUT_BLOCKS = 4;
  /**
   * A chunk also ends after this long if its records are slow to process (a stage fused into the
   * read spends long on each), so that the stage hands its output on early and often: consumers
   * (a GPU stage) start within milliseconds, not after a whole chunk. Cheap records are read in
   * whole chunks, on one thread, however slow a cold JVM makes the first few: records count as
   * slow when most strides of the chunk took more than {@link #SLOW_RECORD_NANOS} a record,
   * leaving out strides during which classes were loaded (a cold start, not evidence of slow
   * records).
   */
  private static final long MAX_CHUNK_NANOS = 20_000_000L;
  /**
   * The chunks of slow records that start and end a split are shorter: what a chunk makes waits for
   * the whole chunk, and a consumer (a GPU stage) can only start the run after the first and finish
   * it after the last. They are this long: the first chunk of a split, and those once the split's
   * estimated remainder would take less than two chunks of MAX_CHUNK_NANOS.
   */
  private static final long TAIL_CHUNK_NANOS = MAX_CHUNK_NANOS / 4;
  /** Records per clock reading, and the time per record, over a stride, that counts as slow. */
  private static final int CLOCK_STRIDE = 16;
  private static final long SLOW_RECORD_NANOS = 50_000L;
  private static final ClassLoadingMXBean CLASS_LOADING = ManagementFactory.getClassLoadingMXBean();

  private final OperatorContext context;
  private final Coder<?> coder;
  private final String transform;
  /** What the split reads: once part of it has gone to a new split, the part its reader kept. */
  private BoundedSource<?> source;
  private BoundedSource.BoundedReader<?> reader;
  private boolean done;
  /** The last chunk ended on its time limit: records here are slow to process, worth sharing. */
  private boolean lastChunkTimedOut;
  /**
   * Records read by the chunks fed so far, and by those whose output went on: a new reader, after a
   * failed chunk, passes over the latter first.
   */
  private long recordsRead;
  private long recordsHandedOn;

  BoundedSourceSplit(BoundedSource<?> source, Coder<?> coder, String transform, OperatorContext context) {
    this.context = context;
    this.source = source;
    this.coder = coder;
    this.transform = transform;
  }

  @Override
  public List<OutputBlock> readSome() throws Exception {
    List<OutputBlock> chunk = context.metrics().runScoped(transform, () -> {
      List<OutputBlock> outputs = new ArrayList<>();
      BlockBuilder builder = new BlockBuilder(0, coder, context.blockSize(), outputs);
      feedChunk(builder::add, builder::bytes);
      builder.seal();
      return outputs;
    });
    chunkHandedOn();
    return chunk;
  }

  @Override
  public void chunkHandedOn() {
    recordsHandedOn = recordsRead;
  }

  @Override
  public String transform() {
    return transform;
  }

  @Override
  public void feedChunk(Consumer<WindowedValue<?>> sink, LongSupplier outputBytes) {
    try {
      boolean available;
      boolean firstChunk = recordsRead == 0;
      if (reader == null) {
        reader = source.createReader(context.options());
        available = skipHandedOn(reader.start());
      } else {
        available = reader.advance();
      }
      long limit = (long) context.blockSize().rows() * BLOCKS_PER_CALL;
      long maxOutputBytes = context.blockSize().bytes() * MAX_CHUNK_OUTPUT_BLOCKS;
      long read = 0;
      long strideStart = System.nanoTime();
      long chunkStart = strideStart;
      long deadline = strideStart + MAX_CHUNK_NANOS;
      Double consumedAtStart = reader.getFractionConsumed();
      long classesLoaded = CLASS_LOADING.getTotalLoadedClassCount();
      int fastStrides = 0;
      int slowStrides = 0;
      CoreYield.Pacer pacer = context.coreYield().pacer();
      lastChunkTimedOut = false;
      while (available) {
        sink.accept(WindowedValues.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp()));
        pacer.recordDone();
        if (++read >= limit) {
          break;
        }
        if (read % CLOCK_STRIDE == 0) {
          long now = System.nanoTime();
          long strideNanos = now - strideStart;
          // Only a slow stride needs the class-loading check (a JVM call): a fast one counts
          // either way, and cheap records then pay for one clock reading per stride.
          if (strideNanos < CLOCK_STRIDE * SLOW_RECORD_NANOS) {
            fastStrides++;
          } else {
            long loaded = CLASS_LOADING.getTotalLoadedClassCount();
            if (loaded == classesLoaded) {
              slowStrides++;
            }
            classesLoaded = loaded;
          }
          // The verdict is the median stride's, not the mean: one stride stalled by a GC pause or a
          // preempted thread (30 ms among 1,000 records of 20 us made the mean "slow" in a test)
          // says nothing of the records.
          if (slowStrides > fastStrides && (now - deadline > 0 || (now - chunkStart >= TAIL_CHUNK_NANOS
              && (firstChunk || endsWithinTwoChunks(consumedAtStart, now - chunkStart))))) {
            lastChunkTimedOut = true;
            break;
          }
          if (read % (CLOCK_STRIDE * 4) == 0 && outputBytes.getAsLong() >= maxOutputBytes) {
            break;
          }
          strideStart = now;
        }
        available = reader.advance();
      }
      recordsRead += read;
      if (!available) {
        done = true;
        close();
      }
    } catch (Exception e) {
      // A stage fed from here has already attributed its own failures; what is left is the read's.
      throw TransformFailedException.attribute(transform, e);
    }
  }

  /**
   * Passes over the records that went on before a failed chunk (none on a first reader), on a new
   * reader that has just started; returns whether a record is available after them.
   */
  private boolean skipHandedOn(boolean available) throws IOException {
    for (long skipped = 0; skipped < recordsHandedOn; skipped++) {
      if (!available) {
        throw new IllegalStateException("read again after a failure, the split yielded " + skipped + " records where "
            + recordsHandedOn + " had gone on before: a read is retried only if its source yields the same records "
            + "in the same order each time; run with --maxTaskRetries=0 to fail at once instead");
      }
      available = reader.advance();
    }
    return available;
  }

  /**
   * Whether what is left of the split, at the pace of this chunk so far ({@code consumedAtStart}
   * then, {@code nanos} ago), would take less than two full chunks. Unknown fractions say no.
   */
  private boolean endsWithinTwoChunks(Double consumedAtStart, long nanos) {
    Double consumed = reader.getFractionConsumed();
    if (consumedAtStart == null || consumed == null || consumed <= consumedAtStart) {
      return false;
    }
    return nanos * (1 - consumed) < 2 * MAX_CHUNK_NANOS * (consumed - consumedAtStart);
  }

  /**
   * Half of what is left, through the reader's own splitAtFraction, once a chunk has shown that
   * these records take long to process: a small source (a few KiB of ids, say) read as one split
   * would otherwise keep an expensive fused stage on one core.
   */
  @Override
  public BoundedSourceSplit splitRemainder() {
    if (!lastChunkTimedOut || reader == null || done) {
      return null;
    }
    Double consumed = reader.getFractionConsumed();
    if (consumed == null) {
      return null;
    }
    BoundedSource<?> residual = reader.splitAtFraction(consumed + (1 - consumed) / 2);
    if (residual == null) {
      return null;
    }
    source = reader.getCurrentSource(); // the primary: what this split still reads, from its start
    return new BoundedSourceSplit(residual, coder, transform, context);
  }

  @Override
  public boolean isDone() {
    return done;
  }

  /**
   * A new reader of the split takes the place of the one that failed, and passes over the records
   * that went on before the failed chunk: a Beam source yields the same records in the same order
   * each time it is read (runners read a split again to retry a bundle), and one that does not
   * fails the retry, saying so. The failed reader's close may fail too (it is broken): that failure
   * adds nothing to the one being retried.
   */
  @Override
  public boolean restart() {
    BoundedSource.BoundedReader<?> failed = reader;
    reader = null;
    done = false;
    lastChunkTimedOut = false;
    recordsRead = recordsHandedOn;
    if (failed != null) {
      try {
        failed.close();
      } catch (Exception ignored) {
        // see above
      }
    }
    return true;
  }

  @Override
  public void close() throws Exception {
    if (reader != null) {
      BoundedSource.BoundedReader<?> open = reader;
      reader = null;
      open.close();
    }
  }
}
