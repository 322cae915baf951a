package io.sluice.benchmarks;

import io.sluice.runner.ActorPoolHint;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * records of {@code recordBytes} → each expanded into {@code fanOut} records of {@code
 * expandedBytes} → a slow consumer (a class UDF on an actor pool, {@code consumeMicros} of CPU per
 * expanded record) → checksum. The expanded data is {@code fanOut × expandedBytes / recordBytes}
 * times the input, far more than the heap, so a runner must hold the expansion back to the pace
 * of the consumer.
 */
final class MemoryPipeline {
  record Shape(long records, int recordBytes, int fanOut, int expandedBytes, long consumeMicros) {
    long expandedTotalBytes() {
      return records * fanOut * expandedBytes;
    }

    /** The consumer's total work over all cores: nothing can finish sooner. */
    double physicalLimitSeconds(int cores) {
      return records * fanOut * consumeMicros / 1e6 / cores;
    }

    /** The checksum every runner must publish: the sum of what the consumer returns per record. */
    long expectedChecksum() {
      long sum = 0;
      for (long i = 0; i < records; i++) {
        for (int k = 0; k < fanOut; k++) {
          sum += ConsumeFn.digest(i, k, expandedBytes);
        }
      }
      return sum;
    }
  }

  private MemoryPipeline() {}

  static Pipeline build(PipelineOptions options, Shape shape, int cores, String runId) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Generate", GenerateSequence.from(0).to(shape.records()))
        .apply("MakeRecord", ParDo.of(new MakeRecordFn(shape.recordBytes())))
        .apply("Expand", ParDo.of(new ExpandFn(shape.fanOut(), shape.expandedBytes())))
        .apply("Consume", ParDo.of(new ConsumeFn(shape.consumeMicros()))
            .setResourceHints(ActorPoolHint.add(ResourceHints.create(), ActorPoolHint.of(1, cores))))
        .apply("Checksum", Sum.longsGlobally())
        .apply("Publish", ParDo.of(new InProcessResults.PublishFn(runId)));
    return pipeline;
  }

  /**
   * The same work with no framework, on {@code threads} threads: each makes a record, expands it
   * and consumes the expansions at once, so nothing outlives its iteration. How near the limit the
   * work itself can come on this machine (the expansion's allocation and garbage count against it).
   * Returns the checksum.
   */
  static long handWrittenLoop(Shape shape, int threads) throws InterruptedException {
    long[] partials = new long[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      // Each thread owns its slot; Thread.join() makes the write visible to us afterwards.
      Thread worker = new Thread(() -> {
        long sum = 0;
        for (long i = thread; i < shape.records(); i += threads) {
          byte[] record = MakeRecordFn.make(i, shape.recordBytes());
          for (int k = 0; k < shape.fanOut(); k++) {
            sum += ConsumeFn.consume(ExpandFn.expand(record, k, shape.expandedBytes()), shape.consumeMicros());
          }
        }
        partials[thread] = sum;
      }, "memory-loop-" + t);
      workers.add(worker);
      worker.start();
    }
    long checksum = 0;
    for (int t = 0; t < threads; t++) {
      workers.get(t).join();
      checksum += partials[t];
    }
    return checksum;
  }

  /** A record of {@code bytes} bytes whose first 8 carry its number. */
  static final class MakeRecordFn extends DoFn<Long, byte[]> {
    private final int bytes;

    MakeRecordFn(int bytes) {
      this.bytes = bytes;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<byte[]> out) {
      out.output(make(i, bytes));
    }

    static byte[] make(long i, int bytes) {
      byte[] record = new byte[bytes];
      putLong(record, 0, i);
      return record;
    }
  }

  /** {@code fanOut} records of {@code bytes} each, carrying the input's number and their index. */
  static final class ExpandFn extends DoFn<byte[], byte[]> {
    private final int fanOut;
    private final int bytes;

    ExpandFn(int fanOut, int bytes) {
      this.fanOut = fanOut;
      this.bytes = bytes;
    }

    @ProcessElement
    public void process(@Element byte[] record, OutputReceiver<byte[]> out) {
      for (int k = 0; k < fanOut; k++) {
        out.output(expand(record, k, bytes));
      }
    }

    static byte[] expand(byte[] record, int k, int bytes) {
      byte[] expanded = new byte[bytes];
      System.arraycopy(record, 0, expanded, 0, Math.min(record.length, bytes));
      expanded[bytes - 1] = (byte) k;
      return expanded;
    }
  }

  /** Spends {@code micros} of CPU per record, then returns a digest of it. */
  static final class ConsumeFn extends DoFn<byte[], Long> {
    private final long micros;

    ConsumeFn(long micros) {
      this.micros = micros;
    }

    @Setup
    public void setup() {
      // A class UDF: this is where a model would load.
    }

    @ProcessElement
    public void process(@Element byte[] record, OutputReceiver<Long> out) {
      out.output(consume(record, micros));
    }

    static long consume(byte[] record, long micros) {
      spin(micros);
      return digest(getLong(record, 0), record[record.length - 1], record.length);
    }

    /** The consumer's CPU work: spins until {@code micros} have passed. */
    static void spin(long micros) {
      long end = System.nanoTime() + micros * 1_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
    }

    static long digest(long i, int k, int length) {
      long h = (i * 31 + k) * 0x9E3779B97F4A7C15L + length;
      return h ^ (h >>> 31);
    }
  }

  static void putLong(byte[] bytes, int at, long value) {
    for (int b = 0; b < 8; b++) {
      bytes[at + b] = (byte) (value >>> (8 * b));
    }
  }

  static long getLong(byte[] bytes, int at) {
    long value = 0;
    for (int b = 0; b < 8; b++) {
      value |= (bytes[at + b] & 0xFFL) << (8 * b);
    }
    return value;
  }
}
