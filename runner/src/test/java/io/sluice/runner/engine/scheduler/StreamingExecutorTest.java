package io.sluice.runner.engine.scheduler;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.backpressure.BackpressurePolicy;
import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.backpressure.DownstreamQueueBytesPolicy;
import io.sluice.runner.engine.backpressure.MemoryBudgetPolicy;
import io.sluice.runner.engine.backpressure.QueuedWorkPolicy;
import io.sluice.runner.engine.backpressure.OperatorLoad;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.IntBatch;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.AllToAllOperator;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.CollectingSink;
import io.sluice.runner.engine.operator.Exchange;
import io.sluice.runner.engine.operator.MapOperator;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.operator.SourceOperator;
import io.sluice.runner.engine.operator.SplitReader;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs small topologies of the engine's own operators over {@code RowBlock<Integer>} with fake
 * splits, functions and exchanges. No assertion depends on timing; sleeps only make a race that
 * the executor must prevent likely to show if it did not.
 */
@Timeout(value = 20, unit = SECONDS)
class StreamingExecutorTest {
  private static final long BYTES_PER_ROW = 16;

  private final List<StreamingExecutor> executors = new ArrayList<>();

  @AfterEach
  void stopLeftoverRuns() {
    // A failed assertion must not leave a run going in the background of later tests.
    executors.forEach(StreamingExecutor::cancel);
  }

  // ---------------------------------------------------------------------------------------------
  // Happy paths

  @Test
  void sourceMapSinkDeliversEveryElementExactlyOnce() throws Exception {
    List<Integer> values = range(0, 1000);
    List<ListSplit> splits = split(values, 5, 7, 3);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", splits, 3));
    int doubler = topology.add(new MapOperator("double", mapping(v -> v * 2), 4));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, doubler);
    topology.connect(doubler, 0, sinkId);

    StreamingExecutor executor = newExecutor(topology, config(4, new ConcurrencyCapPolicy(), new DownstreamQueueBytesPolicy(1 << 20)));
    awaitSuccess(executor);

    assertEquals(sorted(values.stream().map(v -> v * 2).toList()), sorted(elements(sink)));
    for (ListSplit s : splits) {
      assertTrue(s.reads.get() > 1, "each split is read in several chunks, not at once");
      assertEquals(1, s.closes.get(), "each split closed exactly once");
    }
    awaitThreadsStopped(executor);
  }

  @Test
  void duplicateEdgeDeliversEveryBlockTwice() throws Exception {
    List<Integer> values = range(0, 100);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 3, 5, 2), 2));
    int flatten = topology.add(new MapOperator("flatten-with-itself", mapping(v -> v), 2));
    CollectingSink twice = new CollectingSink("twice");
    int twiceId = topology.add(twice);
    CollectingSink once = new CollectingSink("once");
    int onceId = topology.add(once);
    topology.connect(source, 0, flatten);
    topology.connect(source, 0, flatten);
    topology.connect(flatten, 0, twiceId);
    topology.connect(source, 0, onceId);

    awaitSuccess(newExecutor(topology, config(2, new ConcurrencyCapPolicy())));

    List<Integer> expectedTwice = new ArrayList<>(values);
    expectedTwice.addAll(values);
    assertEquals(sorted(expectedTwice), sorted(elements(twice)));
    assertEquals(sorted(values), sorted(elements(once)));
  }

  @Test
  void consumerWithoutProducersFinishesWithNothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 20), 2, 4, 1), 2));
    CollectingSink fromSource = new CollectingSink("from-source");
    int fromSourceId = topology.add(fromSource);
    int emptyFlatten = topology.add(new MapOperator("empty-flatten", counting(calls), 2));
    CollectingSink fromEmpty = new CollectingSink("from-empty");
    int fromEmptyId = topology.add(fromEmpty);
    topology.connect(source, 0, fromSourceId);
    topology.connect(emptyFlatten, 0, fromEmptyId);

    awaitSuccess(newExecutor(topology, config(2, new ConcurrencyCapPolicy())));

    assertEquals(20, elements(fromSource).size());
    assertTrue(fromEmpty.blocks().isEmpty());
    assertEquals(0, calls.get());
  }

  @Test
  void topologyOfOnlyAnEmptyFlattenCompletes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Topology topology = new Topology();
    int emptyFlatten = topology.add(new MapOperator("empty-flatten", counting(calls), 1));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(emptyFlatten, 0, topology.add(sink));

    StreamingExecutor executor = newExecutor(topology, config(1));
    awaitSuccess(executor);

    assertTrue(sink.blocks().isEmpty());
    assertEquals(0, calls.get());
    awaitThreadsStopped(executor);
  }

  @Test
  void allToAllSumsPerKeyAfterAllInputIsPartitioned() throws Exception {
    List<Integer> values = range(1, 301);
    SumByKeyExchange exchange = new SumByKeyExchange(5, 6);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 4, 9, 2), 2));
    int sum = topology.add(new AllToAllOperator("sum-per-key", exchange, 3));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, sum);
    topology.connect(sum, 0, sinkId);

    awaitSuccess(newExecutor(topology, config(4, new ConcurrencyCapPolicy())));

    Map<Integer, Long> expected = new TreeMap<>();
    for (int v : values) {
      expected.merge(v % 5, (long) v, Long::sum);
    }
    Map<Integer, Long> actual = new TreeMap<>();
    for (Block block : sink.blocks()) {
      for (Object row : ((RowBlock<?>) block).elements()) {
        KeySum keySum = (KeySum) row;
        Long previous = actual.put(keySum.key(), keySum.sum());
        assertEquals(null, previous, "key " + keySum.key() + " was reduced more than once");
      }
    }
    assertEquals(expected, actual);

    List<String> events = List.copyOf(exchange.events);
    int firstReduce = events.indexOf("reduce");
    assertTrue(firstReduce > 0, "some partitioning, then a reduce: " + events);
    assertEquals(-1, events.subList(firstReduce, events.size()).indexOf("partition"),
        "no block is partitioned after the first reduce started: " + events);
    // Keys 0..4 land in partitions 0..4; partition 5 stays empty and is never reduced.
    assertEquals(List.of(0, 1, 2, 3, 4), sorted(List.copyOf(exchange.reducedPartitions)));
    assertEquals(1, exchange.closes.get());
  }

  // ---------------------------------------------------------------------------------------------
  // Prerequisites

  @Test
  void operatorWaitingForACollectingSinkRunsNoTaskBeforeTheSinkFinished() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Topology topology = new Topology();
    // A slow side input: one split, one small block per read, each read a little slow.
    CollectingSink sideSink = new CollectingSink("side-sink");
    readerAfterSideInput(topology, events, observedSplit(range(0, 30), events, "side-read", 2), sideSink,
        new SourceOperator("main-source", split(range(0, 20), 2, 5, 1), 2),
        new MapOperator("side-input-reader", input -> {
          events.add("reader-task");
          return List.of();
        }, 2));

    awaitSuccess(newExecutor(topology, config(4, new ConcurrencyCapPolicy())));

    List<String> order = List.copyOf(events);
    int sideFinished = order.indexOf("side-finished");
    assertTrue(sideFinished >= 0, "the side sink finished: " + order);
    assertTrue(order.indexOf("reader-task") > sideFinished,
        "the first reader task ran after the side sink finished: " + order);
    assertEquals(4, Collections.frequency(order, "reader-task"), "every main block was read");
    assertEquals(30, elements(sideSink).size());
  }

  /**
   * A side input read from {@code side} into {@code sideSink} (noting "side-finished" in {@code
   * events} when it is done), and {@code mainSource} feeding {@code reader}, which starts after it.
   */
  private static void readerAfterSideInput(Topology topology, List<String> events, ListSplit side,
      CollectingSink sideSink, SourceOperator mainSource, MapOperator reader) {
    int sideSource = topology.add(new SourceOperator("side-source", List.of(side), 1));
    int sideSinkId = topology.add(new Tracked(sideSink, () -> events.add("side-finished")));
    int main = topology.add(mainSource);
    int readerId = topology.add(reader);
    topology.connect(sideSource, 0, sideSinkId);
    topology.connect(main, 0, readerId);
    topology.startAfter(readerId, sideSinkId);
  }

  /**
   * One split, one block of 2 rows per read; each read notes {@code event} in {@code events}, then
   * takes {@code millis}.
   */
  private static ListSplit observedSplit(List<Integer> values, List<String> events, String event, long millis) {
    return new ListSplit(values, 2, 1) {
      @Override
      public List<OutputBlock> readSome() throws Exception {
        events.add(event);
        Thread.sleep(millis);
        return super.readSome();
      }
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Failure and cancellation

  @Test
  void aTaskThatFailsOnceRunsAgainAndTheRunLosesAndRepeatsNothing() throws Exception {
    AtomicInteger failures = new AtomicInteger();
    List<Integer> retriedAttempts = new CopyOnWriteArrayList<>();
    BlockFunction flaky = input -> {
      // Output first, then fail: what a failed attempt made must not reach the sink.
      List<OutputBlock> out = List.of(new OutputBlock(0, input));
      if (rows(input).contains(42) && failures.getAndIncrement() == 0) {
        throw new IllegalStateException("a transient failure");
      }
      return out;
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 100), 2, 5, 2), 2));
    int map = topology.add(new MapOperator("flaky", flaky, 2, ExecutionResources.cpus(1),
        new RetriesTasks.Retries(1, (operator, attempt, error) -> retriedAttempts.add(attempt))));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));

    StreamingExecutor executor = newExecutor(topology, config(2, new ConcurrencyCapPolicy()));
    awaitSuccess(executor);

    assertEquals(range(0, 100), sorted(elements(sink)), "every element once");
    assertEquals(List.of(1), retriedAttempts);
    assertEquals(1, executor.operatorStats().get(map).tasksRetried());
    assertEquals(2, failures.get(), "the block with 42 ran twice");
  }

  @Test
  void aTaskThatKeepsFailingFailsTheRunWithItsOwnErrorOnceItsRetriesAreSpent() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger attempts = new AtomicInteger();
    BlockFunction failing = input -> {
      if (rows(input).contains(42)) {
        attempts.incrementAndGet();
        throw boom;
      }
      return List.of(new OutputBlock(0, input));
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 100), 2, 5, 2), 2));
    int map = topology.add(new MapOperator("failing", failing, 2, ExecutionResources.cpus(1),
        new RetriesTasks.Retries(2, (operator, attempt, error) -> {})));
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(new CollectingSink("sink")));

    Throwable failure = awaitFailure(newExecutor(topology, config(2, new ConcurrencyCapPolicy())));

    OperatorFailedException operatorFailure = assertInstanceOf(OperatorFailedException.class, failure);
    assertEquals("failing", operatorFailure.operatorName());
    assertSame(boom, operatorFailure.getCause());
    assertEquals(3, attempts.get(), "the first run and two retries");
    assertTrue(boom.getSuppressed()[0].getMessage().contains("failed on each of its 3 attempts"),
        boom.getSuppressed()[0].getMessage());
  }

  /** A split that throws on its {@code failAtRead}-th read while failures are left, and can go on again. */
  private static ListSplit failingSplit(List<Integer> values, int failAtRead, AtomicInteger failuresLeft) {
    return new ListSplit(values, 10, 1) {
      private int readsSinceStart;

      @Override
      public List<OutputBlock> readSome() throws Exception {
        List<OutputBlock> read = super.readSome(); // read, then lost with the failure
        if (++readsSinceStart == failAtRead && failuresLeft.getAndDecrement() > 0) {
          throw new IllegalStateException("a transient failure on read " + failAtRead);
        }
        return read;
      }

      @Override
      public boolean restart() {
        readsSinceStart = 0;
        return super.restart();
      }
    };
  }

  @Test
  void aReadThatFailsBeforeHandingAnythingOnStartsItsSplitAgain() throws Exception {
    List<Integer> retriedAttempts = new CopyOnWriteArrayList<>();
    CollectingSink sink = new CollectingSink("sink");
    OperatorStats stats = readWithRetries(List.of(failingSplit(range(0, 100), 1, new AtomicInteger(2)),
        new ListSplit(range(100, 200), 10, 1)), 2, 2, retriedAttempts, sink);

    assertEquals(range(0, 200), sorted(elements(sink)), "every element once");
    assertEquals(List.of(1, 2), retriedAttempts);
    assertEquals(2, stats.tasksRetried());
  }

  /** Reads the splits, {@code parallelism} at once, with retries, into {@code sink}; returns the read's stats. */
  private OperatorStats readWithRetries(List<SplitReader> splits, int parallelism, int maxRetries,
      List<Integer> retriedAttempts, CollectingSink sink) throws Exception {
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", splits, parallelism, ExecutionResources.cpus(1),
        new RetriesTasks.Retries(maxRetries, (operator, attempt, error) -> retriedAttempts.add(attempt))));
    topology.connect(source, 0, topology.add(sink));
    StreamingExecutor executor = newExecutor(topology, config(2, new ConcurrencyCapPolicy()));
    awaitSuccess(executor);
    return executor.operatorStats().get(source);
  }

  @Test
  void aReadThatFailsAfterHandingChunksOnGoesOnFromTheChunkThatFailed() throws Exception {
    // One task at a time, which goes on from chunk to chunk: those it finished before the failure go
    // on once, as do the rest.
    List<Integer> retriedAttempts = new CopyOnWriteArrayList<>();
    CollectingSink sink = new CollectingSink("sink");
    OperatorStats stats = readWithRetries(List.of(failingSplit(range(0, 100), 4, new AtomicInteger(1))), 1, 3,
        retriedAttempts, sink);

    assertEquals(range(0, 100), sorted(elements(sink)), "every element once");
    assertEquals(List.of(1), retriedAttempts);
    assertEquals(1, stats.tasksRetried());
  }

  @Test
  void aReadWhoseSplitCannotGoOnAgainFailsTheRunWithItsError() {
    ListSplit cannotGoOn = new ListSplit(range(0, 100), 10, 1) {
      @Override
      public List<OutputBlock> readSome() throws Exception {
        if (reads.get() == 2) {
          throw new IllegalStateException("a failure on read 3");
        }
        return super.readSome();
      }

      @Override
      public boolean restart() {
        return false;
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", List.of(cannotGoOn),
        1, ExecutionResources.cpus(1), new RetriesTasks.Retries(3, (operator, attempt, error) -> {})));
    topology.connect(source, 0, topology.add(new CollectingSink("sink")));

    Throwable failure = awaitFailure(newExecutor(topology, config(2, new ConcurrencyCapPolicy())));

    assertEquals("a failure on read 3", failure.getCause().getMessage());
  }

  @Test
  void failingFunctionFailsTheRunNamingTheOperatorAndClosesEverything() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger functionCloses = new AtomicInteger();
    BlockFunction explode = new BlockFunction() {
      @Override
      public List<OutputBlock> apply(Block input) {
        if (rows(input).contains(42)) {
          throw boom;
        }
        return List.of(new OutputBlock(0, input));
      }

      @Override
      public void close() {
        functionCloses.incrementAndGet();
      }
    };
    List<ListSplit> splits = split(range(0, 100), 2, 5, 2);
    Topology topology = new Topology();
    Tracked source = new Tracked(new SourceOperator("source", splits, 2));
    Tracked exploding = new Tracked(new MapOperator("explode", explode, 2));
    Tracked after = new Tracked(new MapOperator("after", mapping(v -> v), 2));
    Tracked sink = new Tracked(new CollectingSink("sink"));
    List<Tracked> all = List.of(source, exploding, after, sink);
    for (Tracked op : all) {
      topology.add(op);
    }
    topology.connect(0, 0, 1);
    topology.connect(1, 0, 2);
    topology.connect(2, 0, 3);

    StreamingExecutor executor = newExecutor(topology, config(2, new ConcurrencyCapPolicy()));
    Throwable failure = awaitFailure(executor);

    OperatorFailedException operatorFailure = assertInstanceOf(OperatorFailedException.class, failure);
    assertEquals("explode", operatorFailure.operatorName());
    assertSame(boom, operatorFailure.getCause());
    // close() runs before the future completes, exactly once per operator.
    for (Tracked op : all) {
      assertEquals(1, op.closes.get(), op.name() + " closed once");
    }
    assertEquals(1, functionCloses.get(), "MapOperator closes its function");
    for (ListSplit s : splits) {
      assertEquals(1, s.closes.get(), "SourceOperator closes every split");
    }
    awaitThreadsStopped(executor);
  }

  @Test
  void failingSplitReaderFailsTheRunNamingTheSource() throws Exception {
    Exception readError = new java.io.IOException("disk on fire");
    ListSplit bad = new ListSplit(range(0, 50), 5, 1) {
      @Override
      public List<OutputBlock> readSome() throws Exception {
        if (reads.get() == 2) {
          throw readError;
        }
        return super.readSome();
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("reading", List.of(bad), 1));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(source, 0, topology.add(sink));

    StreamingExecutor executor = newExecutor(topology, config(1, new ConcurrencyCapPolicy()));
    Throwable failure = awaitFailure(executor);

    OperatorFailedException operatorFailure = assertInstanceOf(OperatorFailedException.class, failure);
    assertEquals("reading", operatorFailure.operatorName());
    assertSame(readError, operatorFailure.getCause());
    assertEquals(1, bad.closes.get());
    awaitThreadsStopped(executor);
  }

  @Test
  void failingCloseAfterASuccessfulRunFailsTheRunAndStillClosesTheOthers() throws Exception {
    Exception closeError = new IllegalStateException("cannot close");
    BlockFunction badClose = new BlockFunction() {
      @Override
      public List<OutputBlock> apply(Block input) {
        return List.of(new OutputBlock(0, input));
      }

      @Override
      public void close() throws Exception {
        throw closeError;
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 10), 1, 5, 1), 1));
    int map = topology.add(new MapOperator("bad-close", badClose, 1));
    Tracked sink = new Tracked(new CollectingSink("sink"));
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));

    Throwable failure = awaitFailure(newExecutor(topology, config(1)));

    OperatorFailedException operatorFailure = assertInstanceOf(OperatorFailedException.class, failure);
    assertEquals("bad-close", operatorFailure.operatorName());
    assertSame(closeError, operatorFailure.getCause());
    assertEquals(1, sink.closes.get());
  }

  @Test
  void cancelStopsARunThatWouldNeverFinish() throws Exception {
    CountDownLatch readsStarted = new CountDownLatch(20);
    AtomicInteger endlessCloses = new AtomicInteger();
    SplitReader endless = new SplitReader() {
      @Override
      public List<OutputBlock> readSome() {
        readsStarted.countDown();
        return List.of(new OutputBlock(0, block(List.of(1, 2, 3))));
      }

      @Override
      public boolean isDone() {
        return false;
      }

      @Override
      public void close() {
        endlessCloses.incrementAndGet();
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("endless", List.of(endless), 1));
    int discard = topology.add(new MapOperator("discard", input -> List.of(), 2));
    topology.connect(source, 0, discard);
    StreamingExecutor executor =
        newExecutor(topology, config(2, new ConcurrencyCapPolicy(), new DownstreamQueueBytesPolicy(1024)));
    CompletableFuture<Void> future = executor.start();
    assertTrue(readsStarted.await(10, SECONDS), "the source is running");
    assertFalse(future.isDone(), "the run does not end on its own");

    executor.cancel();

    assertThrows(CancellationException.class, () -> future.get(10, SECONDS));
    assertTrue(future.isCompletedExceptionally());
    assertEquals(1, endlessCloses.get(), "operators are closed on cancellation too");
    awaitThreadsStopped(executor);
  }

  @Test
  void operatorThatCanNeverFinishIsReportedAsStuck() throws Exception {
    Topology topology = new Topology();
    topology.add(new NeverFinishes("stubborn"));

    Throwable failure = awaitFailure(newExecutor(topology, config(1)));

    IllegalStateException stuck = assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(stuck.getMessage().contains("stuck"), stuck.getMessage());
    assertTrue(stuck.getMessage().contains("stubborn"), stuck.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Backpressure and concurrency

  /** 60 blocks of 100 bytes. */
  private static final long SLOW_CONSUMER_BLOCK_BYTES = 100;

  /** Wires {@code splits} into a one-task map, {@code slow}, into {@code sink}; returns the source's id. */
  private static int sourceIntoSlowMap(Topology topology, List<ListSplit> splits, BlockFunction slow,
      CollectingSink sink) {
    int source = topology.add(new SourceOperator("fast-source", splits, 2));
    int map = topology.add(new MapOperator("slow-map", slow, 1));
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));
    return source;
  }

  /** 4 CPUs and workers, {@code heapBytes} of memory and {@code offHeapBytes} off the heap. */
  private static ExecutorConfig withOffHeapBudget(long heapBytes, long offHeapBytes, BackpressurePolicy... policies) {
    return new ExecutorConfig(new ExecutionResources(4, 0, heapBytes), 4, List.of(policies), "test",
        ExecutorConfig.StallWatch.defaults(diagnosis -> {}), ExecutorConfig.ProgressWatch.NONE,
        ExecutorConfig.defaultSpillDirectory(), offHeapBytes);
  }

  /**
   * Runs a fast two-split source into a slow map under {@code config}, checks that every element
   * arrives, and returns how many blocks the source was ever ahead of the map.
   */
  private int blocksAheadOfASlowConsumer(ExecutorConfig config) throws Exception {
    return blocksAheadOfASlowConsumer(config, false);
  }

  /** @param offHeap whether the source's blocks are held off the heap */
  private int blocksAheadOfASlowConsumer(ExecutorConfig config, boolean offHeap) throws Exception {
    AtomicInteger produced = new AtomicInteger();
    AtomicInteger consumed = new AtomicInteger();
    AtomicInteger maxOutstanding = new AtomicInteger();
    List<ListSplit> splits = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      ListSplit split = new ListSplit(range(s * 30, s * 30 + 30), 1, 2, SLOW_CONSUMER_BLOCK_BYTES) {
        @Override
        public List<OutputBlock> readSome() throws Exception {
          List<OutputBlock> out = super.readSome();
          int outstanding = produced.addAndGet(out.size()) - consumed.get();
          maxOutstanding.accumulateAndGet(outstanding, Math::max);
          return out;
        }
      };
      splits.add(offHeap ? split.offHeap() : split);
    }
    BlockFunction slow = input -> {
      consumed.incrementAndGet();
      Thread.sleep(2);
      return List.of(new OutputBlock(0, input));
    };
    Topology topology = new Topology();
    CollectingSink sink = new CollectingSink("sink");
    sourceIntoSlowMap(topology, splits, slow, sink);

    awaitSuccess(newExecutor(topology, config));

    // Liveness: everything arrives.
    assertEquals(range(0, 60), sorted(elements(sink)));
    assertEquals(60, consumed.get());
    return maxOutstanding.get();
  }

  @Test
  void downstreamQueueBudgetKeepsAFastSourceCloseToASlowConsumer() throws Exception {
    // The budget admits a new read only while fewer than 3 blocks wait.
    int ahead = blocksAheadOfASlowConsumer(
        config(4, new ConcurrencyCapPolicy(), new DownstreamQueueBytesPolicy(3 * SLOW_CONSUMER_BLOCK_BYTES)));
    // A read starts only while at most 2 blocks wait in the executor's queue; at most 2 reads
    // (source cap) of 2 blocks each are in flight; a read that goes on to its next chunk (allowed
    // only while nothing waits) may finish it before the scheduler has collected the chunk before:
    // 2 more; the map buffers at most 2 blocks and has at most 1 submitted task that has not yet
    // entered the function: 2 + 2*2 + 2 + 2 + 1 = 11 (10 seen in about one full run in three).
    assertTrue(ahead <= 11, "source ran ahead of the consumer by " + ahead + " blocks");
  }

  @Test
  void queuedWorkKeepsAFastSourceCloseToASlowConsumerWhateverItsBlocksWeigh() throws Exception {
    // The map takes 2 ms a row, one row a block, one task at a time: 5 ms of work is 3 blocks. No
    // byte budget applies, so only the time its queue would take the map holds the source back.
    int unchecked = blocksAheadOfASlowConsumer(config(4, new ConcurrencyCapPolicy()));
    int ahead = blocksAheadOfASlowConsumer(config(4, new ConcurrencyCapPolicy(), new QueuedWorkPolicy(5_000_000L)));
    // As with the byte budget above: a read starts, or goes on counting what the pieces going on
    // will add, only while at most 2 blocks wait (none, before the map's first task is measured);
    // 2 reads of 2 blocks in flight; a chunk not yet collected from a read that went on; the map
    // buffers 2 and has 1 submitted task not yet in the function: 2 + 4 + 2 + 2 + 1 = 11.
    assertTrue(ahead <= 11, "source ran ahead of the consumer by " + ahead + " blocks");
    assertTrue(unchecked > 30, "without the policy the source runs ahead: " + unchecked + " blocks");
  }

  @Test
  void progressReportsAndStatsSayWhichPolicyHeldAnOperatorBack() throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    List<ListSplit> splits = List.of(new ListSplit(range(0, 30), 1, 2), new ListSplit(range(30, 60), 1, 2));
    BlockFunction slow = input -> {
      Thread.sleep(2);
      return List.of(new OutputBlock(0, input));
    };
    Topology topology = new Topology();
    CollectingSink sink = new CollectingSink("sink");
    sourceIntoSlowMap(topology, splits, slow, sink);
    ExecutorConfig reportEveryTurn = new ExecutorConfig(ExecutionResources.cpus(4), 4,
        List.of(new ConcurrencyCapPolicy(), new QueuedWorkPolicy(5_000_000L)), "test",
        ExecutorConfig.StallWatch.defaults(diagnosis -> {}), new ExecutorConfig.ProgressWatch(1, reports::add),
        ExecutorConfig.defaultSpillDirectory(), Long.MAX_VALUE);

    StreamingExecutor executor = newExecutor(topology, reportEveryTurn);

    awaitSuccess(executor);

    assertEquals(range(0, 60), sorted(elements(sink)));
    List<String> lines = reports.stream().flatMap(String::lines).toList();
    assertTrue(
        lines.stream().anyMatch(line -> line.contains("fast-source: ") && line.endsWith("held back by queued-work")),
        "some report shows the source held back by its consumer's queued work");
    // The map's consumer, a sink, does not measure its pace: nothing it holds counts as work.
    assertTrue(lines.stream().noneMatch(line -> line.contains("slow-map: ") && line.contains("queued-work")),
        "the map is never held back by queued work");
    OperatorStats source = executor.operatorStats().get(0);
    assertEquals("fast-source", source.name());
    assertTrue(source.heldBackNanos() > 0, source.summary());
    assertTrue(source.summary().matches(".*; held back [0-9.]+ s \\(.*queued-work [0-9.]+ s.*\\).*"), source.summary());
    OperatorStats map = executor.operatorStats().get(1);
    assertFalse(map.summary().contains("queued-work"), map.summary());
  }

  @Test
  void aConsumerWaitingForAPrerequisiteHoldsNoOneBackOnQueuedWork() throws Exception {
    // The reader has not started (it waits for a slow side input), so it has no pace and may be
    // waiting for the very producers it would hold back: the main source reads on regardless.
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Topology topology = new Topology();
    readerAfterSideInput(topology, events, observedSplit(range(0, 20), events, "side-read", 2),
        new CollectingSink("side-sink"),
        new SourceOperator("main-source", List.of(observedSplit(range(0, 20), events, "main-read", 0)), 1),
        new MapOperator("side-input-reader", input -> List.of(), 1));

    awaitSuccess(newExecutor(topology, config(4, new ConcurrencyCapPolicy(), new QueuedWorkPolicy(1))));

    List<String> order = List.copyOf(events);
    assertEquals(10, Collections.frequency(order, "main-read"), order.toString());
    assertTrue(order.lastIndexOf("main-read") < order.indexOf("side-finished"),
        "the main source read everything while the reader waited: " + order);
  }

  @Test
  void memoryBudgetKeepsAFastSourceCloseToASlowConsumer() throws Exception {
    // 1,200 bytes of memory for two producing operators: the source reserves 300 and may take a
    // share of the free 600, so about 6 blocks may wait for the map.
    int ahead = blocksAheadOfASlowConsumer(new ExecutorConfig(new ExecutionResources(4, 0, 12 * SLOW_CONSUMER_BLOCK_BYTES),
        List.of(new ConcurrencyCapPolicy(), new MemoryBudgetPolicy()), "test"));
    // Budget ~6 blocks queued, plus 2 reads in flight of 2 blocks, a chunk not yet collected from a
    // read that went on (as above), the map's 2 buffered blocks and one submitted task:
    // 6 + 4 + 2 + 2 + 1 = 15, far below the 60 an unchecked source would run ahead.
    assertTrue(ahead <= 15, "source ran ahead of the consumer by " + ahead + " blocks");
  }

  @Test
  void offHeapBlocksCountAgainstTheOffHeapBudgetAndNeverTheHeapBudget() throws Exception {
    AtomicLong mostOffHeapHeld = new AtomicLong();
    AtomicLong mostHeapHeld = new AtomicLong();
    BackpressurePolicy watchSource = new BackpressurePolicy() {
      @Override
      public boolean canStartTask(OperatorLoad op) {
        if (op.name().equals("fast-source")) {
          mostOffHeapHeld.accumulateAndGet(op.offHeapUsageBytes(), Math::max);
          mostHeapHeld.accumulateAndGet(op.memoryUsageBytes(), Math::max);
        }
        return true;
      }

      @Override
      public String name() {
        return "watch";
      }
    };
    List<ListSplit> splits = List.of(new ListSplit(range(0, 30), 1, 2, SLOW_CONSUMER_BLOCK_BYTES).offHeap(),
        new ListSplit(range(30, 60), 1, 2, SLOW_CONSUMER_BLOCK_BYTES).offHeap());
    BlockFunction slow = input -> {
      Thread.sleep(2);
      return List.of(new OutputBlock(0, block(rows(input))));
    };
    Topology topology = new Topology();
    CollectingSink sink = new CollectingSink("sink");
    int source = sourceIntoSlowMap(topology, splits, slow, sink);
    // A heap budget of one byte: had the source's blocks counted there, the source would have had to wait for
    // the map to take each one.
    StreamingExecutor executor = newExecutor(topology,
        withOffHeapBudget(1, 6 * SLOW_CONSUMER_BLOCK_BYTES, new ConcurrencyCapPolicy(), watchSource, new MemoryBudgetPolicy()));
    awaitSuccess(executor);

    assertEquals(range(0, 60), sorted(elements(sink)));
    assertEquals(0, mostHeapHeld.get(), "no heap held for blocks off the heap");
    assertTrue(mostOffHeapHeld.get() > 0, "the source's queued blocks count off the heap");
    assertEquals(60 * SLOW_CONSUMER_BLOCK_BYTES, executor.operatorStats().get(source).offHeapBytesOut());
  }

  @Test
  void theOffHeapBudgetKeepsAFastSourceOfOffHeapBlocksCloseToASlowConsumer() throws Exception {
    // The heap budget of the memory test above, as the off-heap budget, for blocks off the heap: the same bound.
    int ahead = blocksAheadOfASlowConsumer(withOffHeapBudget(Long.MAX_VALUE, 12 * SLOW_CONSUMER_BLOCK_BYTES,
        new ConcurrencyCapPolicy(), new MemoryBudgetPolicy()), true);
    assertTrue(ahead <= 15, "source ran ahead of the consumer by " + ahead + " blocks");
  }

  @Test
  void aReadGoesOnFromChunkToChunkWithoutANewTaskAndHandsEachChunkOnAsItIsRead() throws Exception {
    // One split of 40 chunks, one slot: the task reads on. The sink must see the first chunk's rows
    // while the split is still being read, so chunks leave as they finish, not when the task ends.
    AtomicInteger chunksReadWhenSinkFirstSawRows = new AtomicInteger(-1);
    ListSplit split = slowSplit(40, 1);
    ReadThenStep run = runReadThenStep(split, input -> {
      chunksReadWhenSinkFirstSawRows.compareAndSet(-1, split.reads.get());
      return List.of(new OutputBlock(0, input));
    }, 4);

    assertEquals(range(0, 400), sorted(run.out()));
    assertEquals(40, split.reads.get());
    long tasks = run.readStats().tasks();
    assertTrue(tasks < 20, "40 chunks took " + tasks + " tasks");
    assertTrue(chunksReadWhenSinkFirstSawRows.get() < 40, "rows first moved on after chunk " + chunksReadWhenSinkFirstSawRows);
  }

  @Test
  void aReadThatGoesOnLetsItsCpuGoToAStepThatWaitsForOne() throws Exception {
    // One CPU: the read would hold it for all its 50 chunks of 2 ms; the step after it waits for
    // the CPU and ranks first (less queued after it), so the read's task must end early.
    ListSplit split = slowSplit(50, 2);
    AtomicInteger chunksReadWhenNextRan = new AtomicInteger(-1);
    ReadThenStep run = runReadThenStep(split, input -> {
      chunksReadWhenNextRan.compareAndSet(-1, split.reads.get());
      return List.of(new OutputBlock(0, input));
    }, 1);

    assertEquals(range(0, 500), sorted(run.out()));
    assertTrue(chunksReadWhenNextRan.get() <= 5, "the next step first ran after " + chunksReadWhenNextRan + " of 50 chunks");
  }

  @Test
  void aStepWithShortTasksRidesAlongInsteadOfEndingTheReadThatHoldsTheCpu() throws Exception {
    // One CPU, held by a read of 60 chunks of 2 ms that goes on from chunk to chunk. The step after
    // it takes microseconds a block: once its first tasks have shown that, its tasks run beside
    // the read, which no longer ends a task for each of them.
    ReadThenStep run = runReadThenStep(slowSplit(60, 2), input -> List.of(new OutputBlock(0, input)), 1);

    assertEquals(range(0, 600), sorted(run.out()));
    assertEquals(60, run.stepStats().tasks());
    long readTasks = run.readStats().tasks();
    assertTrue(readTasks <= 20, "60 chunks took " + readTasks + " read tasks");
  }

  /** One split of {@code chunks} chunks of 10 rows (one block each), each taking {@code millis} to read. */
  private static ListSplit slowSplit(int chunks, long millis) {
    return new ListSplit(range(0, chunks * 10), 10, 1) {
      @Override
      public List<OutputBlock> readSome() throws Exception {
        Thread.sleep(millis);
        return super.readSome();
      }
    };
  }

  private record ReadThenStep(List<Integer> out, OperatorStats readStats, OperatorStats stepStats) {}

  /** {@code split} read on one slot → {@code step} on one slot → sink, with {@code cpus} CPUs. */
  private static ReadThenStep runReadThenStep(ListSplit split, BlockFunction step, double cpus) throws Exception {
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", List.of(split), 1));
    int map = topology.add(new MapOperator("step", step, 1));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, map);
    topology.connect(map, 0, sinkId);
    StreamingExecutor executor = new StreamingExecutor(topology, config(cpus, new ConcurrencyCapPolicy()));
    executor.start().get(10, SECONDS);
    return new ReadThenStep(elements(sink), executor.operatorStats().get(source), executor.operatorStats().get(map));
  }

  @Test
  void concurrencyCapOfOneNeverRunsTwoTasksOfAnOperatorAtOnce() throws Exception {
    ConcurrencyProbe mapProbe = new ConcurrencyProbe();
    ConcurrencyProbe readProbe = new ConcurrencyProbe();
    List<ListSplit> splits = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      splits.add(new ListSplit(range(s * 40, s * 40 + 40), 2, 2) {
        @Override
        public List<OutputBlock> readSome() throws Exception {
          readProbe.enter();
          try {
            Thread.sleep(1);
            return super.readSome();
          } finally {
            readProbe.exit();
          }
        }
      });
    }
    BlockFunction probed = input -> {
      mapProbe.enter();
      try {
        Thread.sleep(1);
        return List.of(new OutputBlock(0, input));
      } finally {
        mapProbe.exit();
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("serial-source", splits, 1));
    int map = topology.add(new MapOperator("serial-map", probed, 1));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));

    awaitSuccess(newExecutor(topology, config(4, new ConcurrencyCapPolicy())));

    assertEquals(range(0, 120), sorted(elements(sink)));
    assertEquals(1, mapProbe.max.get(), "map tasks at once");
    assertEquals(1, readProbe.max.get(), "read tasks at once");
  }

  @Test
  void sideInputReaderFedByTheSameSourceCompletesUnderATinyQueueBudget() throws Exception {
    // The reader cannot start before the side sink finished, so its input queue only grows and
    // the budget (half a block) blocks the shared source; the run must still get through.
    List<Integer> values = range(0, 40);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("shared-source", split(values, 2, 2, 1), 2));
    CollectingSink side = new CollectingSink("side");
    int sideId = topology.add(side);
    int reader = topology.add(new MapOperator("reader", mapping(v -> v + 1000), 2));
    CollectingSink out = new CollectingSink("out");
    int outId = topology.add(out);
    topology.connect(source, 0, sideId);
    topology.connect(source, 0, reader);
    topology.connect(reader, 0, outId);
    topology.startAfter(reader, sideId);

    awaitSuccess(newExecutor(topology,
        config(2, new ConcurrencyCapPolicy(), new DownstreamQueueBytesPolicy(BYTES_PER_ROW))));

    assertEquals(values, sorted(elements(side)));
    assertEquals(values.stream().map(v -> v + 1000).toList(), sorted(elements(out)));
  }

  @Test
  void reachedOutputLimitStopsTheOperatorAndTheSourceThatOnlyFeedsIt() throws Exception {
    List<Integer> values = range(0, 100_000);
    List<ListSplit> splits = split(values, 8, 10, 1);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", splits, 2));
    int limited = topology.add(new MapOperator("limited", mapping(v -> v + 1), 2));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, limited);
    topology.connect(limited, 0, sinkId);
    topology.limitOutput(limited, 0, 25);

    StreamingExecutor executor = newExecutor(topology,
        config(2, new ConcurrencyCapPolicy(), new DownstreamQueueBytesPolicy(40 * BYTES_PER_ROW)));
    awaitSuccess(executor);

    List<Integer> out = elements(sink);
    assertTrue(out.size() >= 25, "at least the limit arrives: " + out.size());
    int read = splits.stream().mapToInt(s -> s.reads.get()).sum() * 10;
    assertTrue(read < values.size() / 10, "reading stopped early, but " + read + " rows were read");
    assertTrue(values.stream().map(v -> v + 1).collect(java.util.stream.Collectors.toSet()).containsAll(out));
    for (ListSplit s : splits) {
      assertEquals(1, s.closes.get(), "each split closed exactly once, read or not");
    }
    assertTrue(executor.operatorStats().get(source).wasStoppedEarly());
    assertTrue(executor.operatorStats().get(limited).wasStoppedEarly());
    assertFalse(executor.operatorStats().get(sinkId).wasStoppedEarly());
  }

  @Test
  void reachedOutputLimitDoesNotStopASourceThatAlsoFeedsAnotherBranch() throws Exception {
    List<Integer> values = range(0, 2_000);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 4, 10, 1), 2));
    int limited = topology.add(new MapOperator("limited", mapping(v -> v), 2));
    CollectingSink limitedSink = new CollectingSink("limited-sink");
    int limitedSinkId = topology.add(limitedSink);
    CollectingSink everything = new CollectingSink("everything");
    int everythingId = topology.add(everything);
    topology.connect(source, 0, limited);
    topology.connect(limited, 0, limitedSinkId);
    topology.connect(source, 0, everythingId);
    topology.limitOutput(limited, 0, 5);

    StreamingExecutor executor = newExecutor(topology, config(2, new ConcurrencyCapPolicy()));
    awaitSuccess(executor);

    assertEquals(values, sorted(elements(everything)));
    assertTrue(elements(limitedSink).size() >= 5);
    assertTrue(executor.operatorStats().get(limited).wasStoppedEarly());
    assertFalse(executor.operatorStats().get(source).wasStoppedEarly());
  }

  @Test
  void reachedOutputLimitDoesNotStopAnOperatorWhoseOtherPortFeedsSomething() throws Exception {
    // One operator, two ports (a fused stage with two branches): port 0 is limited, port 1 must
    // still deliver everything.
    List<Integer> values = range(0, 2_000);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 4, 10, 1), 2));
    int branches = topology.add(new MapOperator("two-branches", input -> List.of(
        new OutputBlock(0, input), new OutputBlock(1, input)), 2));
    CollectingSink limitedSink = new CollectingSink("limited-sink");
    int limitedSinkId = topology.add(limitedSink);
    CollectingSink everything = new CollectingSink("everything");
    int everythingId = topology.add(everything);
    topology.connect(source, 0, branches);
    topology.connect(branches, 0, limitedSinkId);
    topology.connect(branches, 1, everythingId);
    topology.limitOutput(branches, 0, 5);

    StreamingExecutor executor = newExecutor(topology, config(2, new ConcurrencyCapPolicy()));
    awaitSuccess(executor);

    assertEquals(values, sorted(elements(everything)));
    assertFalse(executor.operatorStats().get(branches).wasStoppedEarly());
    assertFalse(executor.operatorStats().get(source).wasStoppedEarly());
  }

  @Test
  void resourceLimitsBoundHowManyTasksRunAtOnce() throws Exception {
    // Four CPUs, but each map task holds half of the only GPU: at most two map tasks at once.
    ConcurrencyProbe probe = new ConcurrencyProbe();
    BlockFunction probed = input -> {
      probe.enter();
      try {
        Thread.sleep(1);
        return List.of(new OutputBlock(0, input));
      } finally {
        probe.exit();
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 60), 2, 3, 4), 2));
    int map = topology.add(new Tracked(new MapOperator("gpu-map", probed, 4), new ExecutionResources(1, 0.5, 0)));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));

    awaitSuccess(newExecutor(topology,
        new ExecutorConfig(new ExecutionResources(4, 1, 0), List.of(new ConcurrencyCapPolicy()), "test")));

    assertEquals(range(0, 60), sorted(elements(sink)));
    assertTrue(probe.max.get() <= 2, "map tasks at once: " + probe.max.get());
  }

  @Test
  void taskLargerThanTheWholeBudgetRunsAloneInsteadOfNever() throws Exception {
    AtomicInteger readsActive = new AtomicInteger();
    AtomicInteger mapsActive = new AtomicInteger();
    List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
    List<ListSplit> splits = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      splits.add(new ListSplit(range(s * 10, s * 10 + 10), 2, 1) {
        @Override
        public List<OutputBlock> readSome() throws Exception {
          readsActive.incrementAndGet();
          try {
            if (mapsActive.get() > 0) {
              overlaps.add("read during map");
            }
            Thread.sleep(1);
            return super.readSome();
          } finally {
            readsActive.decrementAndGet();
          }
        }
      });
    }
    BlockFunction alone = input -> {
      int maps = mapsActive.incrementAndGet();
      try {
        if (maps > 1 || readsActive.get() > 0) {
          overlaps.add("map with " + (maps - 1) + " maps and " + readsActive.get() + " reads");
        }
        Thread.sleep(1);
        if (mapsActive.get() > 1 || readsActive.get() > 0) {
          overlaps.add("map overlapped while sleeping");
        }
        return List.of(new OutputBlock(0, input));
      } finally {
        mapsActive.decrementAndGet();
      }
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", splits, 2));
    // Each map task wants two GPUs; the executor has one.
    int map = topology.add(new Tracked(new MapOperator("huge", alone, 2), new ExecutionResources(1, 2, 0)));
    CollectingSink sink = new CollectingSink("sink");
    topology.connect(source, 0, map);
    topology.connect(map, 0, topology.add(sink));

    awaitSuccess(newExecutor(topology,
        new ExecutorConfig(new ExecutionResources(4, 1, 0), List.of(new ConcurrencyCapPolicy()), "test")));

    assertEquals(range(0, 20), sorted(elements(sink)), "the oversized tasks did run");
    assertEquals(List.of(), List.copyOf(overlaps), "an oversized task runs with nothing beside it");
  }

  @Test
  void cancelBeforeStartEndsTheRunAsCancelled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Topology topology = new Topology();
    ListSplit split = new ListSplit(range(0, 10), 2, 1);
    int source = topology.add(new SourceOperator("source", List.of(split), 1));
    topology.connect(source, 0, topology.add(new MapOperator("map", counting(calls), 1)));
    StreamingExecutor executor = newExecutor(topology, config(1));

    executor.cancel();
    CompletableFuture<Void> future = executor.start();

    assertThrows(CancellationException.class, () -> future.get(10, SECONDS));
    assertEquals(0, calls.get());
    assertEquals(1, split.closes.get());
    awaitThreadsStopped(executor);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private StreamingExecutor newExecutor(Topology topology, ExecutorConfig config) {
    StreamingExecutor executor = new StreamingExecutor(topology, config);
    executors.add(executor);
    return executor;
  }

  private static void awaitSuccess(StreamingExecutor executor) throws Exception {
    executor.start().get(10, SECONDS);
  }

  private static Throwable awaitFailure(StreamingExecutor executor) {
    CompletableFuture<Void> future = executor.start();
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, SECONDS));
    return e.getCause();
  }

  private static void awaitThreadsStopped(StreamingExecutor executor) throws InterruptedException {
    long deadline = System.nanoTime() + SECONDS.toNanos(5);
    while (!executor.allThreadsStopped() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(executor.allThreadsStopped(), "scheduler and workers stopped");
  }

  private static ExecutorConfig config(double cpus, BackpressurePolicy... policies) {
    return new ExecutorConfig(ExecutionResources.cpus(cpus), List.of(policies), "test");
  }

  static RowBlock<Integer> block(List<Integer> rows) {
    return new RowBlock<>(new ArrayList<>(rows), rows.size() * BYTES_PER_ROW);
  }

  /** The values of a block of rows, or of a columnar block of {@link IntBatch}. */
  @SuppressWarnings("unchecked")
  static List<Integer> rows(Block block) {
    return block instanceof ColumnarBlock columnar ? IntBatch.valuesOf(columnar) : ((RowBlock<Integer>) block).elements();
  }

  static List<Integer> elements(CollectingSink sink) {
    List<Integer> out = new ArrayList<>();
    for (Block block : sink.blocks()) {
      out.addAll(rows(block));
    }
    return out;
  }

  static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  static List<Integer> sorted(List<Integer> values) {
    List<Integer> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }

  /** Contiguous chunks of {@code values}, one per split. */
  static List<ListSplit> split(List<Integer> values, int splits, int rowsPerBlock, int blocksPerRead) {
    List<ListSplit> out = new ArrayList<>();
    int chunk = (values.size() + splits - 1) / splits;
    for (int s = 0; s < splits; s++) {
      int from = Math.min(values.size(), s * chunk);
      int to = Math.min(values.size(), from + chunk);
      out.add(new ListSplit(values.subList(from, to), rowsPerBlock, blocksPerRead));
    }
    return out;
  }

  static BlockFunction mapping(UnaryOperator<Integer> f) {
    return input -> {
      List<Integer> out = new ArrayList<>();
      for (int v : rows(input)) {
        out.add(f.apply(v));
      }
      return List.of(new OutputBlock(0, block(out)));
    };
  }

  static BlockFunction counting(AtomicInteger calls) {
    return input -> {
      calls.incrementAndGet();
      return List.of(new OutputBlock(0, input));
    };
  }

  /** Reads a list a few blocks at a time. Called by one thread at a time, per the contract. */
  static class ListSplit implements SplitReader {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    private final List<Integer> values;
    private final int rowsPerBlock;
    private final int blocksPerRead;
    private final long bytesPerBlock;
    private boolean offHeap;
    private int position;
    private int chunkStart;

    ListSplit(List<Integer> values, int rowsPerBlock, int blocksPerRead) {
      this(values, rowsPerBlock, blocksPerRead, -1);
    }

    ListSplit(List<Integer> values, int rowsPerBlock, int blocksPerRead, long bytesPerBlock) {
      this.values = List.copyOf(values);
      this.rowsPerBlock = rowsPerBlock;
      this.blocksPerRead = blocksPerRead;
      this.bytesPerBlock = bytesPerBlock;
    }

    @Override
    public List<OutputBlock> readSome() throws Exception {
      reads.incrementAndGet();
      chunkStart = position;
      List<OutputBlock> out = new ArrayList<>();
      for (int b = 0; b < blocksPerRead && position < values.size(); b++) {
        int to = Math.min(values.size(), position + rowsPerBlock);
        List<Integer> rows = values.subList(position, to);
        Block block = offHeap ? IntBatch.offHeapBlock(rows, bytesPerBlock)
            : bytesPerBlock < 0 ? block(rows) : new RowBlock<>(new ArrayList<>(rows), bytesPerBlock);
        out.add(new OutputBlock(0, block));
        position = to;
      }
      return out;
    }

    /** Reads again from the first value of the read that failed. */
    @Override
    public boolean restart() {
      position = chunkStart;
      return true;
    }

    /** Makes its blocks columnar, held off the heap, of its block size. */
    ListSplit offHeap() {
      offHeap = true;
      return this;
    }

    @Override
    public boolean isDone() {
      return position >= values.size();
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  record KeySum(int key, long sum) {}

  /** Sums integers per key {@code v % keys}; key k goes to partition {@code k % partitions}. */
  static final class SumByKeyExchange implements Exchange {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> reducedPartitions = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger closes = new AtomicInteger();
    private final int keys;
    private final int partitions;

    SumByKeyExchange(int keys, int partitions) {
      this.keys = keys;
      this.partitions = partitions;
    }

    @Override
    public int partitions() {
      return partitions;
    }

    @Override
    public Block[] partition(Block input) {
      events.add("partition");
      Map<Integer, Long> sums = new HashMap<>();
      for (int v : rows(input)) {
        sums.merge(v % keys, (long) v, Long::sum);
      }
      List<List<KeySum>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        parts.add(new ArrayList<>());
      }
      sums.forEach((key, sum) -> parts.get(key % partitions).add(new KeySum(key, sum)));
      Block[] out = new Block[partitions];
      for (int p = 0; p < partitions; p++) {
        // Null for empty partitions, as the contract allows.
        out[p] = parts.get(p).isEmpty() ? null : new RowBlock<>(parts.get(p), parts.get(p).size() * BYTES_PER_ROW);
      }
      return out;
    }

    @Override
    public List<OutputBlock> reduce(int partition, List<Block> blocks) {
      events.add("reduce");
      reducedPartitions.add(partition);
      Map<Integer, Long> sums = new TreeMap<>();
      for (Block block : blocks) {
        for (Object row : ((RowBlock<?>) block).elements()) {
          KeySum keySum = (KeySum) row;
          sums.merge(keySum.key(), keySum.sum(), Long::sum);
        }
      }
      List<KeySum> out = new ArrayList<>();
      sums.forEach((key, sum) -> out.add(new KeySum(key, sum)));
      return List.of(new OutputBlock(0, new RowBlock<>(out, out.size() * BYTES_PER_ROW)));
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  /** Tracks how many callers are inside at once. */
  static final class ConcurrencyProbe {
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    void enter() {
      max.accumulateAndGet(active.incrementAndGet(), Math::max);
    }

    void exit() {
      active.decrementAndGet();
    }
  }

  /** Delegates to an operator, counting close() calls and noticing when it first reports finished. */
  static final class Tracked implements PhysicalOperator {
    final AtomicInteger closes = new AtomicInteger();
    private final PhysicalOperator delegate;
    private final Runnable onFinished;
    private final ExecutionResources taskResources;
    private boolean finishedSeen;

    Tracked(PhysicalOperator delegate) {
      this(delegate, () -> {});
    }

    Tracked(PhysicalOperator delegate, Runnable onFinished) {
      this(delegate, onFinished, delegate.taskResources());
    }

    Tracked(PhysicalOperator delegate, ExecutionResources taskResources) {
      this(delegate, () -> {}, taskResources);
    }

    private Tracked(PhysicalOperator delegate, Runnable onFinished, ExecutionResources taskResources) {
      this.delegate = delegate;
      this.onFinished = onFinished;
      this.taskResources = taskResources;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public boolean needsInput() {
      return delegate.needsInput();
    }

    @Override
    public void addInput(Block block) {
      delegate.addInput(block);
    }

    @Override
    public void finishInput() {
      delegate.finishInput();
    }

    @Override
    public boolean hasTask() {
      return delegate.hasTask();
    }

    @Override
    public Task pollTask() {
      return delegate.pollTask();
    }

    @Override
    public void taskCompleted(Task task) {
      delegate.taskCompleted(task);
    }

    @Override
    public void taskFailed(Task task, Throwable error) {
      delegate.taskFailed(task, error);
    }

    @Override
    public OutputBlock pollOutput() {
      return delegate.pollOutput();
    }

    @Override
    public boolean isFinished() {
      boolean finished = delegate.isFinished();
      if (finished && !finishedSeen) {
        finishedSeen = true;
        onFinished.run();
      }
      return finished;
    }

    @Override
    public int maxConcurrency() {
      return delegate.maxConcurrency();
    }

    @Override
    public ExecutionResources taskResources() {
      return taskResources;
    }

    @Override
    public void close() throws Exception {
      closes.incrementAndGet();
      delegate.close();
    }
  }

  /** Takes no input, has no task and never finishes. */
  static final class NeverFinishes implements PhysicalOperator {
    private final String name;

    NeverFinishes(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean needsInput() {
      return false;
    }

    @Override
    public void addInput(Block block) {}

    @Override
    public void finishInput() {}

    @Override
    public boolean hasTask() {
      return false;
    }

    @Override
    public Task pollTask() {
      return null;
    }

    @Override
    public void taskCompleted(Task task) {}

    @Override
    public OutputBlock pollOutput() {
      return null;
    }

    @Override
    public boolean isFinished() {
      return false;
    }
  }
}
