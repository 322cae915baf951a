package io.sluice.runner.engine.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.engine.operator.Task;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.resource.ResourceGrants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pool on its own, driven as the executor would, with its tasks run on threads of the test. */
class ActorPoolOperatorTest {
  /** Actors that each wait for their own latch before each bundle, and note which rows they ran. */
  private static final class GatedActors implements ActorFactory {
    final Map<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();
    final Map<Integer, List<Integer>> ran = new ConcurrentHashMap<>();

    @Override
    public Actor start(int actorIndex, List<Integer> deviceIds) {
      gates.put(actorIndex, new CountDownLatch(1));
      ran.put(actorIndex, Collections.synchronizedList(new ArrayList<>()));
      return new Actor() {
        @Override
        public List<OutputBlock> apply(List<Block> bundle) throws Exception {
          if (!gates.get(actorIndex).await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("actor " + actorIndex + " was never let through");
          }
          for (Block block : bundle) {
            @SuppressWarnings("unchecked")
            List<Integer> rows = ((RowBlock<Integer>) block).elements();
            ran.get(actorIndex).addAll(rows);
          }
          return List.of();
        }

        @Override
        public void close() {}
      };
    }
  }

  private static final ResourceGrants UNLIMITED = new ResourceGrants() {
    @Override
    public Grant tryAcquire(ExecutionResources resources) {
      return new Grant(resources, List.of());
    }

    @Override
    public void release(Grant grant) {}
  };

  private static RowBlock<Integer> rows(int from, int count) {
    List<Integer> rows = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      rows.add(i);
    }
    return new RowBlock<>(rows, 8L * count);
  }

  private static Thread runOnAThread(Task task) {
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    thread.start();
    return thread;
  }

  @Test
  void aBundleGoesToTheBusyActorHoldingTheLeastWorkNotToTheFirst() throws Exception {
    GatedActors actors = new GatedActors();
    ActorPoolOperator pool = new ActorPoolOperator("pool", actors, new ActorPoolConfig(2, 2, 2, 2),
        ExecutionResources.cpus(1), new Bundling(1, Integer.MAX_VALUE), 0);
    pool.rescale(UNLIMITED, 0);
    for (int i = 0; i < 2; i++) {
      Task start = pool.pollTask();
      start.run();
      pool.taskCompleted(start);
    }
    // Actor 0 gets 100 rows, actor 1 ten: both are busy when the next bundle comes.
    pool.addInput(rows(0, 100));
    Task first = pool.pollTask();
    pool.addInput(rows(100, 10));
    Task second = pool.pollTask();
    Thread onActor0 = runOnAThread(first);
    Thread onActor1 = runOnAThread(second);

    pool.addInput(rows(110, 5));
    pool.rescale(UNLIMITED, 0); // hands the bundle over to a busy actor's task

    actors.gates.values().forEach(CountDownLatch::countDown);
    onActor0.join();
    onActor1.join();
    assertEquals(100, actors.ran.get(0).size(), "actor 0 ran only its own bundle");
    assertEquals(List.of(100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114),
        actors.ran.get(1), "the actor holding 10 rows took the next bundle behind them");
  }
}
