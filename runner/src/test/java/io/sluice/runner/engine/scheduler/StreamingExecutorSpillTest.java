package io.sluice.runner.engine.scheduler;

import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.elements;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.range;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.sorted;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.CollectingSink;
import io.sluice.runner.engine.operator.MapOperator;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SourceOperator;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.scheduler.StreamingExecutorTest.ListSplit;
import io.sluice.runner.engine.spill.IntBlockCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Blocks beyond the memory budget go to disk and come back; nothing is left on disk afterwards. */
@Timeout(value = 20, unit = SECONDS)
class StreamingExecutorSpillTest {
  private static final long BLOCK_BYTES = 100;

  @TempDir Path spillParent;

  /** A fast source of 100-byte blocks into a slow map, with no policy holding the source back. */
  private Topology sourceIntoSlowMap(BlockFunction map, CollectingSink sink) {
    return sourceIntoSlowMap(map, sink, false);
  }

  /** @param offHeap whether the source's blocks are held off the heap */
  private Topology sourceIntoSlowMap(BlockFunction map, CollectingSink sink, boolean offHeap) {
    Topology topology = new Topology();
    List<ListSplit> splits = List.of(new ListSplit(range(0, 200), 2, 10, BLOCK_BYTES), new ListSplit(range(200, 400), 2, 10, BLOCK_BYTES));
    if (offHeap) {
      splits.forEach(ListSplit::offHeap);
    }
    int source = topology.add(new SourceOperator("fast-source", splits, 2));
    int slow = topology.add(new MapOperator("slow-map", map, 1));
    topology.connect(source, 0, slow);
    topology.spillInputWith(slow, new IntBlockCodec());
    topology.connect(slow, 0, topology.add(sink));
    return topology;
  }

  private ExecutorConfig config(long memoryBytes) {
    return config(memoryBytes, Long.MAX_VALUE);
  }

  private ExecutorConfig config(long memoryBytes, long offHeapBytes) {
    return new ExecutorConfig(new ExecutionResources(4, 0, memoryBytes), 4, List.of(new ConcurrencyCapPolicy()),
        "test", ExecutorConfig.StallWatch.defaults(d -> {}), ExecutorConfig.ProgressWatch.NONE, spillParent, offHeapBytes);
  }

  private static final BlockFunction SLOW_TO_ROWS = input -> {
    Thread.sleep(1);
    return List.of(new OutputBlock(0, StreamingExecutorTest.block(StreamingExecutorTest.rows(input))));
  };

  @Test
  void offHeapBlocksBeyondTheOffHeapBudgetSpillAndEveryElementStillArrivesOnce() throws Exception {
    CollectingSink sink = new CollectingSink("sink");
    StreamingExecutor executor = new StreamingExecutor(sourceIntoSlowMap(SLOW_TO_ROWS, sink, true),
        config(Long.MAX_VALUE, 5 * BLOCK_BYTES));
    executor.start().get(15, SECONDS);

    assertEquals(range(0, 400), sorted(elements(sink)));
    assertTrue(executor.spillSummary().startsWith("spilled "), "nothing spilled: " + executor.spillSummary());
    assertEquals(0, filesUnder(spillParent), "spill files and directory deleted after the run");
  }

  @Test
  void offHeapBlocksLeaveTheHeapBudgetAlone() throws Exception {
    CollectingSink sink = new CollectingSink("sink");
    // The heap budget that makes the first test here spill; the off-heap budget unlimited.
    StreamingExecutor executor = new StreamingExecutor(sourceIntoSlowMap(SLOW_TO_ROWS, sink, true),
        config(5 * BLOCK_BYTES, Long.MAX_VALUE));
    executor.start().get(15, SECONDS);

    assertEquals(range(0, 400), sorted(elements(sink)));
    assertEquals("", executor.spillSummary(), "nothing counted against the heap, so nothing spilled");
  }

  @Test
  void queuedBlocksBeyondTheBudgetSpillAndEveryElementStillArrivesOnce() throws Exception {
    BlockFunction slow = input -> {
      Thread.sleep(1);
      return List.of(new OutputBlock(0, input));
    };
    CollectingSink sink = new CollectingSink("sink");
    StreamingExecutor executor = new StreamingExecutor(sourceIntoSlowMap(slow, sink), config(5 * BLOCK_BYTES));
    executor.start().get(15, SECONDS);

    assertEquals(range(0, 400), sorted(elements(sink)));
    assertTrue(executor.spillSummary().startsWith("spilled "), "nothing spilled: " + executor.spillSummary());
    assertEquals(0, filesUnder(spillParent), "spill files and directory deleted after the run");
  }

  @Test
  void aFailedRunLeavesNoSpillFilesBehind() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    BlockFunction failsLate = input -> {
      Thread.sleep(1);
      if (calls.incrementAndGet() == 100) {
        throw new IllegalStateException("boom");
      }
      return List.of(new OutputBlock(0, input));
    };
    StreamingExecutor executor =
        new StreamingExecutor(sourceIntoSlowMap(failsLate, new CollectingSink("sink")), config(5 * BLOCK_BYTES));
    ExecutionException e = assertThrows(ExecutionException.class, () -> executor.start().get(15, SECONDS));
    assertTrue(e.getCause().getMessage().contains("slow-map"), e.getCause().getMessage());
    assertTrue(executor.spillSummary().startsWith("spilled "), "the failure came after spilling began");
    assertEquals(0, filesUnder(spillParent));
  }

  private static long filesUnder(Path directory) throws Exception {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(p -> !p.equals(directory)).count();
    }
  }
}
