package io.sluice.runner.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.backpressure.MemoryBudgetPolicy;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.CollectingSink;
import io.sluice.runner.engine.operator.MapOperator;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.SourceOperator;
import io.sluice.runner.engine.operator.SplitReader;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StallDetectorTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void reportsOncePerStalledPeriodAndNotBeforeTheTimeout() {
    AtomicLong clock = new AtomicLong();
    List<String> reports = new CopyOnWriteArrayList<>();
    StallDetector detector = new StallDetector(clock::get, 60 * SECOND, reports::add);

    clock.set(59 * SECOND);
    detector.check(() -> "op A waits");
    assertEquals(0, reports.size());

    clock.set(60 * SECOND);
    detector.check(() -> "op A waits");
    assertEquals(1, reports.size());
    assertTrue(reports.get(0).contains("60 s") && reports.get(0).contains("op A waits"), reports.get(0));

    clock.set(61 * SECOND);
    detector.check(() -> "op A waits");
    assertEquals(1, reports.size(), "reported again before another full timeout");

    detector.progressed();
    clock.set(120 * SECOND);
    detector.check(() -> "op A waits");
    assertEquals(1, reports.size(), "progress at 61 s restarts the count");
    clock.set(121 * SECOND);
    detector.check(() -> "op A waits");
    assertEquals(2, reports.size());
  }

  @Test
  void anExecutorWithAStuckTaskNamesTheOperatorThatWaits() throws Exception {
    AtomicLong clock = new AtomicLong();
    List<String> reports = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("numbers", List.of(new OneBlock()), 1));
    int stuck = topology.add(new MapOperator("stuck-map", input -> {
      release.await();
      return List.of(new OutputBlock(0, input));
    }, 1));
    int sink = topology.add(new CollectingSink("sink"));
    topology.connect(source, 0, stuck);
    topology.connect(stuck, 0, sink);
    StreamingExecutor executor = new StreamingExecutor(topology, new ExecutorConfig(
        ExecutionResources.cpus(2), 2, List.of(), "stall-test",
        new ExecutorConfig.StallWatch(clock::get, 60 * SECOND, reports::add), ExecutorConfig.ProgressWatch.NONE,
        ExecutorConfig.defaultSpillDirectory()));
    var done = executor.start();

    Thread.sleep(200); // the map's task is running and blocked by now
    assertEquals(0, reports.size());
    clock.set(61 * SECOND);
    long deadline = System.currentTimeMillis() + 5_000;
    while (reports.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, reports.size());
    String report = reports.get(0);
    assertTrue(report.contains("stuck-map: waits for its running tasks; 1 running"), report);
    assertTrue(report.contains("sink: waits for input"), report);

    release.countDown();
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSourceHeldBackByTheOffHeapBudgetIsNamedWithTheBudgetAndItsFigures() throws Exception {
    AtomicLong clock = new AtomicLong();
    List<String> reports = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    Topology topology = new Topology();
    // Blocks of 100 bytes off the heap, 4 per read; 150 bytes of off-heap budget.
    int source = topology.add(new SourceOperator("arrow-source",
        List.of(new StreamingExecutorTest.ListSplit(StreamingExecutorTest.range(0, 400), 1, 4, 100).offHeap()), 1));
    int stuck = topology.add(new MapOperator("stuck-map", input -> {
      release.await();
      return List.of(new OutputBlock(0, input));
    }, 1));
    topology.connect(source, 0, stuck);
    topology.connect(stuck, 0, topology.add(new CollectingSink("sink")));
    StreamingExecutor executor = new StreamingExecutor(topology, new ExecutorConfig(
        ExecutionResources.cpus(2), 2, List.of(new ConcurrencyCapPolicy(), new MemoryBudgetPolicy()), "stall-test",
        new ExecutorConfig.StallWatch(clock::get, 60 * SECOND, reports::add), ExecutorConfig.ProgressWatch.NONE,
        ExecutorConfig.defaultSpillDirectory(), 150));
    var done = executor.start();

    Thread.sleep(200); // the map's first task is blocked and the source has filled its share by now
    clock.set(61 * SECOND);
    long deadline = System.currentTimeMillis() + 5_000;
    while (reports.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    release.countDown();
    done.get(5, TimeUnit.SECONDS);

    String report = reports.get(0);
    assertTrue(report.contains("arrow-source: has work but is held back by memory-budget: its outputs hold"), report);
    assertTrue(report.contains("off the heap") && report.contains("(--offHeapMemoryBudget)"), report);
  }

  private static final class OneBlock implements SplitReader {
    private boolean done;

    @Override
    public List<OutputBlock> readSome() {
      done = true;
      Block block = new RowBlock<>(List.of(1, 2, 3), 24);
      return List.of(new OutputBlock(0, block));
    }

    @Override
    public boolean isDone() {
      return done;
    }
  }
}
