package io.sluice.runner.engine.scheduler;

import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.block;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.elements;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.range;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.rows;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.sorted;
import static io.sluice.runner.engine.scheduler.StreamingExecutorTest.split;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.actor.Actor;
import io.sluice.runner.engine.actor.ActorFactory;
import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.actor.ActorPoolOperator;
import io.sluice.runner.engine.actor.Bundling;
import io.sluice.runner.engine.backpressure.ConcurrencyCapPolicy;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.CollectingSink;
import io.sluice.runner.engine.operator.CoreYield;
import io.sluice.runner.engine.operator.MapOperator;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.operator.SourceOperator;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.scheduler.StreamingExecutorTest.ListSplit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Actor pools inside the executor: lifecycles, device ids, and GPU work that holds no CPU thread. */
@Timeout(value = 20, unit = SECONDS)
class StreamingExecutorActorPoolTest {
  private static final long NO_DOWNSCALE_DELAY = 0;

  @Test
  void everyBlockIsProcessedAndEveryActorStartedIsStoppedBeforeTheRunEnds() throws Exception {
    List<Integer> values = range(0, 2_000);
    FakeActors actors = new FakeActors(0);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 8, 25, 2), 2));
    ActorPoolOperator pool = new ActorPoolOperator("pool", actors, new ActorPoolConfig(1, 3, 1, 2),
        ExecutionResources.cpus(0.5), Bundling.NONE, NO_DOWNSCALE_DELAY);
    int poolId = topology.add(pool);
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);

    StreamingExecutor executor = new StreamingExecutor(topology, config(ExecutionResources.cpus(4)));
    executor.start().get(10, SECONDS);

    assertEquals(sorted(values.stream().map(v -> v + 1).toList()), sorted(elements(sink)));
    int peak = executor.operatorStats().get(poolId).peakWorkers();
    assertTrue(actors.started.get() >= 1 && peak >= 1 && peak <= 3, "peak " + peak);
    assertEquals(actors.started.get(), actors.closed.get(), "every actor started was stopped");
    assertFalse(actors.overlapped.get(), "an actor never ran two blocks at once");
  }

  @Test
  void aFailedBundleRunsAgainOnANewActorOnTheSameDeviceAndEachElementComesOutOnce() throws Exception {
    List<Integer> values = range(0, 2_000);
    FakeActors actors = new FakeActors(1);
    actors.failOn(1_000, 1);
    List<Integer> retriedAttempts = new CopyOnWriteArrayList<>();
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(values, 8, 25, 2), 2));
    // Two bundles in flight: the one behind the failed bundle goes back to the queue with it.
    int poolId = topology.add(new ActorPoolOperator("gpu", actors, new ActorPoolConfig(1, 1, 1, 2),
        new ExecutionResources(0, 1, 0), Bundling.NONE, NO_DOWNSCALE_DELAY,
        new ActorPoolOperator.Behaviour(CoreYield.NEVER,
            new RetriesTasks.Retries(2, (operator, attempt, error) -> retriedAttempts.add(attempt)))));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);

    new StreamingExecutor(topology, config(new ExecutionResources(2, 1, 0))).start().get(10, SECONDS);

    assertEquals(sorted(values.stream().map(v -> v + 1).toList()), sorted(elements(sink)), "every element once");
    assertEquals(List.of(1), retriedAttempts);
    assertEquals(2, actors.started.get(), "the actor that threw was replaced");
    assertEquals(2, actors.closed.get(), "and closed, as was its replacement at the end");
    assertEquals(List.of(List.of(0), List.of(0)), actors.assignments, "the replacement has the same device");
  }

  @Test
  void aBundleThatKeepsFailingFailsTheRunWithItsOwnErrorOnceItsRetriesAreSpent() {
    FakeActors actors = new FakeActors(0);
    actors.failOn(10, Integer.MAX_VALUE);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 100), 2, 5, 2), 2));
    int poolId = topology.add(new ActorPoolOperator("pool", actors, ActorPoolConfig.of(1, 2),
        ExecutionResources.cpus(1), Bundling.NONE, NO_DOWNSCALE_DELAY,
        new ActorPoolOperator.Behaviour(CoreYield.NEVER, new RetriesTasks.Retries(1, (operator, attempt, error) -> {}))));
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, topology.add(new CollectingSink("sink")));

    CompletableFuture<Void> run = new StreamingExecutor(topology, config(ExecutionResources.cpus(2))).start();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> run.get(10, SECONDS));

    OperatorFailedException operatorFailure = assertInstanceOf(OperatorFailedException.class, failure.getCause());
    assertEquals("pool", operatorFailure.operatorName());
    Throwable userError = operatorFailure.getCause();
    assertEquals("a transient failure on 10", userError.getMessage());
    assertEquals(2, actors.failures.get(), "the first run and one retry");
    assertTrue(userError.getSuppressed().length == 1
        && userError.getSuppressed()[0].getMessage().contains("failed on each of its 2 attempts"),
        java.util.Arrays.toString(userError.getSuppressed()));
    assertEquals(actors.started.get(), actors.closed.get(), "every actor started was closed");
  }

  @Test
  void twoGpuPoolsSharingTwoDevicesSeeDistinctDeviceIds() throws Exception {
    Map<Integer, String> holders = new ConcurrentHashMap<>();
    List<String> clashes = Collections.synchronizedList(new ArrayList<>());
    FakeActors first = new FakeActors(20, "a", holders, clashes);
    FakeActors second = new FakeActors(20, "b", holders, clashes);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 400), 4, 10, 1), 2));
    int a = topology.add(new ActorPoolOperator("gpu-a", first, ActorPoolConfig.of(1, 4),
        new ExecutionResources(0, 1, 0), Bundling.NONE, NO_DOWNSCALE_DELAY));
    int b = topology.add(new ActorPoolOperator("gpu-b", second, ActorPoolConfig.of(1, 4),
        new ExecutionResources(0, 1, 0), Bundling.NONE, NO_DOWNSCALE_DELAY));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, a);
    topology.connect(a, 0, b);
    topology.connect(b, 0, sinkId);

    new StreamingExecutor(topology, config(new ExecutionResources(2, 2, Long.MAX_VALUE))).start().get(15, SECONDS);

    assertEquals(400, elements(sink).size());
    assertEquals(List.of(), clashes, "no device was handed to two live actors");
    // Both pools start an actor up front and keep it until their input is exhausted: their first
    // actors live side by side, each on its own device (a's share is one device, b's the other).
    assertEquals(Set.of(0, 1), union(new HashSet<>(first.assignments.get(0)), new HashSet<>(second.assignments.get(0))));
    assertTrue(first.assignments.stream().allMatch(ids -> ids.size() == 1), "one whole device per actor");
  }

  @Test
  void progressReportsShowTheResourcesInUseAndEachPoolsActors() throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    FakeActors actors = new FakeActors(20);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 200), 4, 10, 1), 2));
    int pool = topology.add(new ActorPoolOperator("gpu-pool", actors, ActorPoolConfig.of(1, 2),
        new ExecutionResources(0, 1, 0), Bundling.NONE, NO_DOWNSCALE_DELAY));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, pool);
    topology.connect(pool, 0, sinkId);
    ExecutorConfig reportEveryTurn = new ExecutorConfig(new ExecutionResources(2, 2, 1L << 30), 2,
        List.of(new ConcurrencyCapPolicy()), "test", ExecutorConfig.StallWatch.defaults(diagnosis -> {}),
        new ExecutorConfig.ProgressWatch(1, reports::add), ExecutorConfig.defaultSpillDirectory(), 1L << 20);

    new StreamingExecutor(topology, reportEveryTurn).start().get(15, SECONDS);

    assertEquals(200, elements(sink).size());
    List<String> lines = reports.stream().flatMap(String::lines).toList();
    assertTrue(lines.stream().anyMatch(line -> line.matches(
            "progress after \\d+ s: [0-9.]+/2 CPUs( \\(one short task rides along beside the limit\\))?, "
                + "[12]/2 GPUs in use; queued .+ of a 1\\.00 GiB memory budget, .+ of 1\\.0 MiB off the heap")),
        "some report shows an actor holding a GPU, against the run's limits: " + reports.get(0));
    assertTrue(lines.stream().anyMatch(line -> line.matches(" +\\[running] +gpu-pool: (1 actor|2 actors), .*")),
        "some report counts the pool's actors");
    assertTrue(lines.stream().anyMatch(line -> line.matches(
            " +\\[(running|done)] +source: .*, \\d+ rows out \\(\\d+/s\\), input queue .*")),
        "the source's line has its pace and its queue");
  }

  @Test
  void halfGpuActorsShareOneDeviceTwoAtATime() throws Exception {
    FakeActors actors = new FakeActors(10);
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 400), 8, 5, 1), 2));
    ActorPoolOperator pool = new ActorPoolOperator("gpu", actors, ActorPoolConfig.of(1, 8),
        new ExecutionResources(0, 0.5, 0), Bundling.NONE, NO_DOWNSCALE_DELAY);
    int poolId = topology.add(pool);
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);

    StreamingExecutor executor = new StreamingExecutor(topology, config(new ExecutionResources(2, 1, Long.MAX_VALUE)));
    executor.start().get(15, SECONDS);

    assertEquals(400, elements(sink).size());
    assertEquals(Set.of(0), actors.deviceIdsSeen());
    int peak = executor.operatorStats().get(poolId).peakWorkers();
    assertTrue(peak <= 2, "one device holds two half-GPU actors, peak " + peak);
  }

  @Test
  void gpuActorWaitingOnItsDeviceDoesNotKeepACpuTaskFromAThread() throws Exception {
    // One core worker thread. The GPU actor and a CPU task wait for each other, as a GPU stage
    // waits on its device while CPU work goes on: in a pool bounded at one thread, whichever ran
    // first would hold it and the other could never start.
    CountDownLatch gpuWaiting = new CountDownLatch(1);
    CountDownLatch cpuTaskRan = new CountDownLatch(1);
    ActorFactory waitsForCpu = (index, devices) -> new Actor() {
      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        gpuWaiting.countDown();
        assertTrue(cpuTaskRan.await(10, SECONDS), "the CPU task ran while the GPU actor waited");
        return bundle.stream().map(block -> new OutputBlock(0, block)).toList();
      }

      @Override
      public void close() {}
    };
    BlockFunction cpuWork = input -> {
      assertTrue(gpuWaiting.await(10, SECONDS), "the GPU actor ran while the CPU task waited");
      cpuTaskRan.countDown();
      return List.of(new OutputBlock(0, input));
    };
    Topology topology = new Topology();
    int gpuSource = topology.add(new SourceOperator("gpu-source", split(range(0, 10), 1, 10, 1), 1));
    int gpu = topology.add(new ActorPoolOperator("gpu", waitsForCpu, ActorPoolConfig.of(1, 1),
        new ExecutionResources(0, 1, 0), Bundling.NONE, NO_DOWNSCALE_DELAY));
    int cpuSource = topology.add(new SourceOperator("cpu-source", split(range(0, 10), 1, 10, 1), 1));
    int cpu = topology.add(new MapOperator("cpu", cpuWork, 1));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(gpuSource, 0, gpu);
    topology.connect(cpuSource, 0, cpu);
    topology.connect(gpu, 0, sinkId);
    topology.connect(cpu, 0, sinkId);

    ExecutorConfig oneThread = new ExecutorConfig(new ExecutionResources(2, 1, Long.MAX_VALUE), 1,
        List.of(new ConcurrencyCapPolicy()), "test");
    new StreamingExecutor(topology, oneThread).start().get(15, SECONDS);

    assertEquals(20, elements(sink).size());
  }

  @Test
  void aGpuPoolAsksCpuTasksToYieldWhileItsActorHasABacklogAndNotAfter() throws Exception {
    // 20 blocks, all read at once, for one actor taking 10 ms a block (a bundle): from the second on
    // its next is always waiting, and the pool asks CPU tasks to hand their cores over.
    CoreYield coreYield = new CoreYield(250_000);
    List<Boolean> askedDuringBundles = Collections.synchronizedList(new ArrayList<>());
    ActorFactory slow = (index, devices) -> new Actor() {
      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        Thread.sleep(10);
        askedDuringBundles.add(coreYield.isAsked());
        return bundle.stream().map(block -> new OutputBlock(0, block)).toList();
      }

      @Override
      public void close() {}
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, 200), 1, 10, 20), 1));
    int poolId = topology.add(new ActorPoolOperator("gpu", slow, ActorPoolConfig.of(1, 1),
        new ExecutionResources(0, 1, 0), new Bundling(10, 10), NO_DOWNSCALE_DELAY,
        new ActorPoolOperator.Behaviour(coreYield, RetriesTasks.Retries.NONE)));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);

    new StreamingExecutor(topology, config(new ExecutionResources(2, 1, Long.MAX_VALUE))).start().get(15, SECONDS);

    assertEquals(200, elements(sink).size());
    assertTrue(askedDuringBundles.subList(2, 15).stream().allMatch(asked -> asked), askedDuringBundles.toString());
    assertFalse(coreYield.isAsked(), "a finished pool asks no longer");
  }

  @Test
  void bundlesHoldWholeBatchesWhateverTheBlockSizesAndOnlyTheLastIsShort() throws Exception {
    FakeActors actors = new FakeActors(2);
    Topology topology = new Topology();
    // 1,000 rows in blocks of 7: no block is a whole batch of 64.
    int source = topology.add(new SourceOperator("source", split(range(0, 1_000), 5, 7, 3), 2));
    int poolId = topology.add(new ActorPoolOperator("batched", actors, ActorPoolConfig.of(1, 2),
        ExecutionResources.cpus(1), new Bundling(64, 256), NO_DOWNSCALE_DELAY));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);

    new StreamingExecutor(topology, config(ExecutionResources.cpus(4))).start().get(15, SECONDS);

    assertEquals(sorted(range(1, 1_001)), sorted(elements(sink)));
    List<Integer> sizes = new ArrayList<>(actors.bundleSizes);
    assertEquals(1_000, sizes.stream().mapToInt(Integer::intValue).sum());
    assertEquals(1, sizes.stream().filter(n -> n % 64 != 0).count(), "one short bundle: " + sizes);
    assertTrue(sizes.stream().allMatch(n -> n <= 256), sizes.toString());
  }

  @Test
  void eachBundlesOutputFlowsOnWhileTheActorsTaskKeepsGoing() throws Exception {
    // Up to 4 bundles in flight per actor: one task runs them back to back. The third waits until
    // the step after the pool has seen output, which it can only if finished bundles leave at once.
    CountDownLatch nextSawOutput = new CountDownLatch(1);
    AtomicInteger bundles = new AtomicInteger();
    Runnable eachBundle = () -> {
      if (bundles.incrementAndGet() == 3) {
        assertTrue(await(nextSawOutput), "the first bundles' output reached the next step");
      }
    };
    List<Integer> out = runPoolThenNext(100, new ActorPoolConfig(1, 1, 1, 4), eachBundle, nextSawOutput::countDown, 2);
    assertEquals(sorted(range(0, 100)), sorted(out));
  }

  @Test
  void anActorThatKeepsItsCpuBusyLetsItGoToAStepThatWaitsForOne() throws Exception {
    // One CPU, held by the actor's task for as long as bundles are handed over to it: 100 bundles
    // of 20 ms. The next step must get the CPU long before the actor's input runs out.
    AtomicInteger bundles = new AtomicInteger();
    AtomicInteger bundlesBeforeNextRan = new AtomicInteger(-1);
    List<Integer> out = runPoolThenNext(1_000, ActorPoolConfig.of(1, 1), bundles::incrementAndGet,
        () -> bundlesBeforeNextRan.compareAndSet(-1, bundles.get()), 1);
    assertEquals(sorted(range(0, 1_000)), sorted(out));
    // It may wait half a second (25 bundles) before the actor is asked to let go.
    assertTrue(bundlesBeforeNextRan.get() < 75, "the next step first ran after " + bundlesBeforeNextRan + " of 100 bundles");
  }

  @Test
  void aReadFeedingAPoolThatHoldsTheCpuStartsBeforeThePoolsInputRunsOut() throws Exception {
    // One CPU, held by the actor's task while it has input. A read (5 ms, 30 rows) that waits for
    // the actor to run dry leaves the pool idle while it runs; it should start while the actor
    // still has rows queued (30 rows are 6 ms of its work).
    AtomicInteger produced = new AtomicInteger();
    AtomicInteger consumed = new AtomicInteger();
    List<Integer> outstandingAtEachRead = Collections.synchronizedList(new ArrayList<>());
    int rows = 600;
    ListSplit slowRead = new ListSplit(range(0, rows), 10, 3) {
      @Override
      public List<OutputBlock> readSome() throws Exception {
        outstandingAtEachRead.add(produced.get() - consumed.get());
        Thread.sleep(5);
        List<OutputBlock> out = super.readSome();
        out.forEach(block -> produced.addAndGet(block.block().rows()));
        return out;
      }
    };
    ActorFactory passOn = (index, devices) -> new Actor() {
      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        Thread.sleep(2);
        bundle.forEach(block -> consumed.addAndGet(block.rows()));
        return bundle.stream().map(block -> new OutputBlock(0, block)).toList();
      }

      @Override
      public void close() {}
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", List.of(slowRead), 1));
    int poolId = topology.add(new ActorPoolOperator("pool", passOn, ActorPoolConfig.of(1, 1),
        ExecutionResources.cpus(1), new Bundling(1, 10), NO_DOWNSCALE_DELAY));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, sinkId);
    new StreamingExecutor(topology, config(ExecutionResources.cpus(1))).start().get(15, SECONDS);

    assertEquals(sorted(range(0, rows)), sorted(elements(sink)));
    // Without the read riding along, every other read found the actor dry (10 of 20 here).
    List<Integer> afterTheFirst = outstandingAtEachRead.subList(1, outstandingAtEachRead.size());
    long foundThePoolDry = afterTheFirst.stream().filter(outstanding -> outstanding == 0).count();
    assertTrue(foundThePoolDry * 4 <= afterTheFirst.size(),
        "reads that found the pool dry: " + foundThePoolDry + " of " + afterTheFirst.size()
            + "; rows outstanding at each read: " + outstandingAtEachRead);
  }

  /**
   * source → a one-actor pool passing bundles of 10 rows on, each after 20 ms (time for the next
   * bundle to be handed over, so its task goes on) and {@code eachBundle} → a step on tasks that
   * calls {@code eachBlock} → sink, with {@code cpus} CPUs; returns what reached the sink.
   */
  private static List<Integer> runPoolThenNext(int rows, ActorPoolConfig pool, Runnable eachBundle,
      Runnable eachBlock, double cpus) throws Exception {
    ActorFactory passOn = (index, devices) -> new Actor() {
      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        Thread.sleep(20);
        eachBundle.run();
        return bundle.stream().map(block -> new OutputBlock(0, block)).toList();
      }

      @Override
      public void close() {}
    };
    BlockFunction next = input -> {
      eachBlock.run();
      return List.of(new OutputBlock(0, input));
    };
    Topology topology = new Topology();
    int source = topology.add(new SourceOperator("source", split(range(0, rows), 1, 10, rows / 10), 1));
    int poolId = topology.add(new ActorPoolOperator("pool", passOn, pool, ExecutionResources.cpus(1),
        new Bundling(1, 10), NO_DOWNSCALE_DELAY));
    int nextId = topology.add(new MapOperator("next", next, 1));
    CollectingSink sink = new CollectingSink("sink");
    int sinkId = topology.add(sink);
    topology.connect(source, 0, poolId);
    topology.connect(poolId, 0, nextId);
    topology.connect(nextId, 0, sinkId);
    new StreamingExecutor(topology, config(ExecutionResources.cpus(cpus))).start().get(15, SECONDS);
    return elements(sink);
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ExecutorConfig config(ExecutionResources limits) {
    return new ExecutorConfig(limits, List.of(new ConcurrencyCapPolicy()), "test");
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** Actors that add one to every value, recording starts, stops, devices and overlaps. */
  static final class FakeActors implements ActorFactory {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
    final List<List<Integer>> assignments = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> bundleSizes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failOn = -1;
    private final long millisPerBlock;
    private final String name;
    private final Map<Integer, String> holders;
    private final List<String> clashes;

    FakeActors(long millisPerBlock) {
      this(millisPerBlock, "pool", new ConcurrentHashMap<>(), new ArrayList<>());
    }

    /** Records, in {@code clashes}, any device handed out while another live actor held it. */
    FakeActors(long millisPerBlock, String name, Map<Integer, String> holders, List<String> clashes) {
      this.millisPerBlock = millisPerBlock;
      this.name = name;
      this.holders = holders;
      this.clashes = clashes;
    }

    /** Bundles holding {@code value} throw, the first {@code times} times. */
    void failOn(int value, int times) {
      failOn = value;
      failuresLeft.set(times);
    }

    Set<Integer> deviceIdsSeen() {
      Set<Integer> ids = new HashSet<>();
      synchronized (assignments) {
        assignments.forEach(ids::addAll);
      }
      return ids;
    }

    @Override
    public Actor start(int actorIndex, List<Integer> deviceIds) {
      started.incrementAndGet();
      assignments.add(deviceIds);
      for (int device : deviceIds) {
        String holder = holders.putIfAbsent(device, name + actorIndex);
        if (holder != null) {
          clashes.add(name + actorIndex + " got device " + device + " held by " + holder);
        }
      }
      AtomicInteger inside = new AtomicInteger();
      return new Actor() {
        @Override
        public List<OutputBlock> apply(List<Block> bundle) throws Exception {
          if (inside.incrementAndGet() > 1) {
            overlapped.set(true);
          }
          try {
            Thread.sleep(millisPerBlock);
            if (bundle.stream().anyMatch(block -> rows(block).contains(failOn)) && failuresLeft.getAndDecrement() > 0) {
              failures.incrementAndGet();
              throw new IllegalStateException("a transient failure on " + failOn);
            }
            bundleSizes.add(bundle.stream().mapToInt(Block::rows).sum());
            List<Integer> out = new ArrayList<>();
            for (Block block : bundle) {
              for (int v : rows(block)) {
                out.add(v + 1);
              }
            }
            return List.of(new OutputBlock(0, block(out)));
          } finally {
            inside.decrementAndGet();
          }
        }

        @Override
        public void close() {
          deviceIds.forEach(holders::remove);
          closed.incrementAndGet();
        }
      };
    }
  }
}
