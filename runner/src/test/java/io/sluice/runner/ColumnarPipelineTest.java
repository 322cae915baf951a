package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DoFns that take columnar batches ({@link ColumnarDoFn}), with a list standing in for Arrow: a
 * batch one returns reaches the next as it is when that is its only reader, every batch is closed
 * once read. (How a columnar block spills: SpillStoreTest and WindowedValueBlockCodecTest.)
 */
class ColumnarPipelineTest {
  /** Batches not yet closed, over all runs of a test. */
  private static final AtomicInteger OPEN = new AtomicInteger();
  private static final Set<ColumnarRows> RETURNED = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger RECEIVED = new AtomicInteger();
  private static final AtomicInteger RECEIVED_AS_RETURNED = new AtomicInteger();

  @BeforeEach
  void reset() {
    OPEN.set(0);
    RETURNED.clear();
    RECEIVED.set(0);
    RECEIVED_AS_RETURNED.set(0);
  }

  private static Pipeline pipeline(String... extra) {
    List<String> args = new ArrayList<>(List.of("--runner=SluiceRunner", "--parallelism=2", "--blockOnRun=false"));
    args.addAll(List.of(extra));
    return Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  @Test
  void inOneStageABatchReturnedByOneColumnarStepReachesTheNextAsItIsAndEveryBatchIsClosed() {
    Pipeline p = pipeline("--targetBlockRows=50");
    PCollection<Integer> out = p.apply(Create.of(range(1000)))
        .apply("Plus1", ParDo.of(new AddFn(1, 16)))
        .apply("Plus10", ParDo.of(new AddFn(10, 16)));
    PAssert.that(out).containsInAnyOrder(range(1000).stream().map(i -> i + 11).toList());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(result.explain().contains("[columnar: 2 steps]"), "both steps in one stage: " + result.explain());
    assertTrue(RECEIVED.get() >= 1000 / 16, RECEIVED + " batches");
    assertEquals(RECEIVED.get(), RECEIVED_AS_RETURNED.get(), "Plus10 should get the very batches Plus1 returned");
    assertEquals(0, OPEN.get(), "batches left open");
  }

  @Test
  void acrossAQueueToAnActorPoolTheBatchesTravelAsColumnarBlocks() {
    Pipeline p = pipeline("--targetBlockRows=64");
    PCollection<Integer> out = p.apply(Create.of(range(1000)))
        .apply("Plus1", ParDo.of(new AddFn(1, 16)))
        .apply("Plus10", ParDo.of(new AddFn(10, 16)).setResourceHints(BatchSizeHint.add(
            ActorPoolHint.add(ResourceHints.create(), ActorPoolHint.of(1, 2)), BatchSizeHint.of(16))));
    PAssert.that(out).containsInAnyOrder(range(1000).stream().map(i -> i + 11).toList());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(result.explain().contains("hands on columns"), result.explain());
    assertTrue(RECEIVED.get() >= 1000 / 16, RECEIVED + " batches");
    assertEquals(RECEIVED.get(), RECEIVED_AS_RETURNED.get(), "Plus10 should get the very batches Plus1 returned");
    assertEquals(0, OPEN.get(), "batches left open");
  }

  @Test
  void withTheHandoffTurnedOffTheStepsRunOnElementsWithTheSameResult() {
    Pipeline p = pipeline("--targetBlockRows=50", "--columnarHandoff=false");
    PCollection<Integer> out = p.apply(Create.of(range(500)))
        .apply("Plus1", ParDo.of(new AddFn(1, 16)))
        .apply("Plus10", ParDo.of(new AddFn(10, 16)));
    PAssert.that(out).containsInAnyOrder(range(500).stream().map(i -> i + 11).toList());
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(!result.explain().contains("[columnar"), result.explain());
    assertEquals(0, RECEIVED.get(), "elements, not batches");
  }

  @Test
  void withASecondReaderTheBatchesBecomeRowsAndBothReadersSeeEveryRow() {
    Pipeline p = pipeline("--targetBlockRows=50");
    PCollection<Integer> plus1 = p.apply(Create.of(range(300))).apply("Plus1", ParDo.of(new AddFn(1, 16)));
    PCollection<Integer> plus10 = plus1.apply("Plus10", ParDo.of(new AddFn(10, 7)));
    PAssert.that(plus10).containsInAnyOrder(range(300).stream().map(i -> i + 11).toList());
    PAssert.thatSingleton(plus1.apply(Count.globally())).isEqualTo(300L);
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    // Each step still runs on batches it gathers, but Plus1's are not Plus10's alone to take.
    assertTrue(result.explain().contains("[columnar: 2 steps]"), result.explain());
    assertTrue(RECEIVED.get() >= 300 / 7, RECEIVED + " batches");
    assertEquals(0, RECEIVED_AS_RETURNED.get(), "Plus10 gathers its own batches");
    assertEquals(0, OPEN.get(), "batches left open");
  }

  /** A batch of ints held in a list, counting as 1 KiB a row. */
  static final class ListRows implements ColumnarRows {
    private final List<Integer> values;
    private final Instant timestamp;
    private boolean closed;

    ListRows(List<Integer> values, Instant timestamp) {
      this.values = values;
      this.timestamp = timestamp;
      OPEN.incrementAndGet();
    }

    @Override
    public Instant timestamp() {
      return timestamp;
    }

    @Override
    public int rows() {
      return values.size();
    }

    @Override
    public long bytes() {
      return 1024L * values.size();
    }

    @Override
    public List<?> values(int from, int to) {
      return new ArrayList<>(values.subList(from, to));
    }

    @Override
    public ColumnarRows slice(int from, int to) {
      return new ListRows(new ArrayList<>(values.subList(from, to)), timestamp);
    }

    @Override
    public synchronized void close() {
      if (closed) {
        throw new IllegalStateException("closed twice");
      }
      closed = true;
      OPEN.decrementAndGet();
    }
  }

  /**
   * Adds a constant, element by element on other runners and batch by batch on SluiceRunner; the
   * step adding 10 records the batches it receives.
   */
  static final class AddFn extends DoFn<Integer, Integer> implements ColumnarDoFn {
    private final int add;
    private final int batchSize;

    AddFn(int add, int batchSize) {
      this.add = add;
      this.batchSize = batchSize;
    }

    @ProcessElement
    public void process(@Element Integer value, OutputReceiver<Integer> out) {
      out.output(value + add);
    }

    @Override
    public int batchSize() {
      return batchSize;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ColumnarRows toColumns(List<?> values, Instant timestamp) {
      return new ListRows(new ArrayList<>((List<Integer>) values), timestamp);
    }

    @Override
    public List<?> processColumnsToValues(ColumnarRows batch) {
      try (ColumnarRows output = processColumns(batch)) {
        return output.values(0, output.rows());
      }
    }

    @Override
    public ColumnarRows processColumns(ColumnarRows batch) {
      if (add == 10) { // the second step's receipts
        RECEIVED.incrementAndGet();
        if (RETURNED.contains(batch)) {
          RECEIVED_AS_RETURNED.incrementAndGet();
        }
      }
      List<Integer> added = new ArrayList<>();
      for (Object value : batch.values(0, batch.rows())) {
        added.add((Integer) value + add);
      }
      ListRows output = new ListRows(added, batch.timestamp());
      RETURNED.add(output);
      return output;
    }
  }
}
