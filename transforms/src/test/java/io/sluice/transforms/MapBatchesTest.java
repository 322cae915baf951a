package io.sluice.transforms;

import static io.sluice.transforms.testing.Rejections.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.transforms.testing.TestRunners;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same MapBatches pipelines on DirectRunner and SluiceRunner, with the same results. */
class MapBatchesTest {
  /** Batch sizes seen per run, by a run id carried in the UDF (runs share this JVM). */
  static final Map<String, List<Integer>> BATCH_SIZES = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> SETUPS = new ConcurrentHashMap<>();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private static Pipeline pipeline(String runner) {
    return TestRunners.pipeline(runner);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toCollection(ArrayList::new));
  }

  private static String newRun() {
    String run = "run-" + RUNS.incrementAndGet();
    BATCH_SIZES.put(run, Collections.synchronizedList(new ArrayList<>()));
    SETUPS.put(run, new AtomicInteger());
    return run;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void functionUdfDoublesEveryElementInBatchesNoLargerThanAsked(String runner) {
    String run = newRun();
    Pipeline p = pipeline(runner);
    PCollection<Integer> out = p.apply(Create.of(range(0, 1000)))
        .apply(MapBatches.<Integer, Integer>of(new Doubling(run)).withBatchSize(7).preservesRowCount()
            .withOutputCoder(VarIntCoder.of()));
    PAssert.that(out).containsInAnyOrder(range(0, 1000).stream().map(x -> 2 * x).toList());
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());

    List<Integer> sizes = BATCH_SIZES.get(run);
    assertEquals(1000, sizes.stream().mapToInt(Integer::intValue).sum());
    assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= 7), sizes.toString());
    if (runner.equals("sluice")) {
      // The 1000 elements are read in one chunk, one bundle for the fused function UDF: only its
      // last batch is short (1000 = 142 x 7 + 6). Actor pools cut whole-batch bundles across chunks.
      assertEquals(1, sizes.stream().filter(n -> n != 7).count(), sizes.toString());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void classUdfIsSetUpOncePerInstanceAndGivesTheSameResults(String runner) {
    String run = newRun();
    Pipeline p = pipeline(runner);
    PCollection<Integer> out = p.apply(Create.of(range(0, 500)))
        .apply(MapBatches.<Integer, Integer>ofClass(new OffsetUdfFactory(run, 1000)).withBatchSize(16)
            .withActorPool(ActorPool.of(1, 2)).withOutputCoder(VarIntCoder.of()));
    PAssert.that(out).containsInAnyOrder(range(1000, 1500));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    int setups = SETUPS.get(run).get();
    int batches = BATCH_SIZES.get(run).size();
    assertTrue(setups >= 1 && setups < batches, setups + " set-ups for " + batches + " batches");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void emptyInputGivesEmptyOutputAndASingleElementOneBatch(String runner) {
    String run = newRun();
    Pipeline p = pipeline(runner);
    PCollection<Integer> empty = p.apply("Empty", Create.empty(VarIntCoder.of()))
        .apply("OnEmpty", MapBatches.<Integer, Integer>of(new Doubling(run)).withBatchSize(4).withOutputCoder(VarIntCoder.of()));
    PCollection<Integer> single = p.apply("Single", Create.of(21))
        .apply("OnSingle", MapBatches.<Integer, Integer>of(new Doubling(run)).withBatchSize(4).withOutputCoder(VarIntCoder.of()));
    PAssert.that(empty).empty();
    PAssert.that(single).containsInAnyOrder(42);
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    assertEquals(List.of(1), BATCH_SIZES.get(run));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(TestRunners.NAMES)
  void aUdfThatBreaksPreservesRowCountFailsTheRunNamingTheTransform(String runner) {
    Pipeline p = pipeline(runner);
    p.apply(Create.of(range(0, 10)))
        .apply("DropsRows", MapBatches.<Integer, Integer>of(batch -> batch.subList(0, batch.size() / 2))
            .withBatchSize(4).preservesRowCount().withOutputCoder(VarIntCoder.of()));
    // Runners wrap user exceptions differently (FlinkRunner in a plain RuntimeException).
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    assertTrue(TestRunners.causeMessages(e).contains("preservesRowCount()"), TestRunners.causeMessages(e));
    if (runner.equals("sluice")) {
      assertTrue(e.getMessage().contains("DropsRows"), "SluiceRunner names the transform: " + e.getMessage());
    }
  }

  @Test
  @Tag(TestRunners.SLUICE_ONLY)
  void aTaskPoolOfOneRunsOneBatchAtATimeOnSluiceRunner() {
    String run = newRun();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CONCURRENCY.put(run, new AtomicInteger[] {inside, most});
    // Blocks of 20 rows: 20 of them, so without the cap two would run at once (parallelism 2).
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(
        "--runner=SluiceRunner", "--parallelism=2", "--targetBlockRows=20").create());
    PCollection<Integer> out = p.apply(Create.of(range(0, 400)))
        .apply(MapBatches.<Integer, Integer>of(new SlowIdentity(run)).withBatchSize(10).withTaskPool(TaskPool.size(1))
            .withOutputCoder(VarIntCoder.of()));
    PAssert.that(out).containsInAnyOrder(range(0, 400));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
    assertEquals(1, most.get(), "batches ran side by side");
  }

  @Test
  void invalidArgumentsFailAtConstructionNamingTheArgument() {
    assertMessage("TaskPool size must be >= 1, was 0", () -> TaskPool.size(0));
    assertMessage("withTaskPool needs a function UDF",
        () -> MapBatches.ofClass(new OffsetUdfFactory("x", 1)).withTaskPool(TaskPool.size(2)));
    assertMessage("batchSize must be >= 1, was 0", () -> MapBatches.of(new Doubling("x")).withBatchSize(0));
    assertMessage("maxSize", () -> ActorPool.of(3, 2));
    assertMessage("withActorPool needs a class UDF", () -> MapBatches.of(new Doubling("x")).withActorPool(ActorPool.of(1, 2)));
    assertMessage("gpus must be a share below 1", () -> MapBatches.of(new Doubling("x")).withGpus(1.5));
    Pipeline p = pipeline("direct");
    PCollection<Integer> input = p.apply(Create.of(1, 2, 3));
    assertMessage("no batch size", () -> input.apply("Gpu", MapBatches.<Integer, Integer>of(new Doubling("x"))
        .withGpus(1).withOutputCoder(VarIntCoder.of())));
    assertMessage("no actor pool", () -> input.apply("Class", MapBatches.<Integer, Integer>ofClass(
        new OffsetUdfFactory("x", 1)).withOutputCoder(VarIntCoder.of())));
  }


  static final Map<String, AtomicInteger[]> CONCURRENCY = new ConcurrentHashMap<>();

  /** Returns its batch after a pause, counting how many of its calls overlap. */
  static final class SlowIdentity implements org.apache.beam.sdk.transforms.SerializableFunction<List<Integer>, List<Integer>> {
    private final String run;

    SlowIdentity(String run) {
      this.run = run;
    }

    @Override
    public List<Integer> apply(List<Integer> batch) {
      AtomicInteger[] counters = CONCURRENCY.get(run);
      counters[1].accumulateAndGet(counters[0].incrementAndGet(), Math::max);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        counters[0].decrementAndGet();
      }
      return batch;
    }
  }

  /** Doubles each element; records batch sizes under its run id. */
  static final class Doubling implements org.apache.beam.sdk.transforms.SerializableFunction<List<Integer>, List<Integer>> {
    private final String run;

    Doubling(String run) {
      this.run = run;
    }

    @Override
    public List<Integer> apply(List<Integer> batch) {
      BATCH_SIZES.computeIfAbsent(run, r -> Collections.synchronizedList(new ArrayList<>())).add(batch.size());
      return batch.stream().map(x -> 2 * x).toList();
    }
  }

  /** A class UDF adding an offset it "loads" at setup. */
  static final class OffsetUdfFactory implements UdfFactory<Integer, Integer> {
    private final String run;
    private final int offset;

    OffsetUdfFactory(String run, int offset) {
      this.run = run;
      this.offset = offset;
    }

    @Override
    public BatchUdf<Integer, Integer> create() {
      return new BatchUdf<>() {
        private int loaded;

        @Override
        public void setup() {
          SETUPS.computeIfAbsent(run, r -> new AtomicInteger()).incrementAndGet();
          loaded = offset;
        }

        @Override
        public List<Integer> apply(List<Integer> batch) {
          BATCH_SIZES.computeIfAbsent(run, r -> Collections.synchronizedList(new ArrayList<>())).add(batch.size());
          return batch.stream().map(x -> x + loaded).toList();
        }
      };
    }
  }
}
