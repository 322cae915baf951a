package io.sluice.runner.engine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.ColumnarBlockTest;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapOperatorTest {
  @Test
  void aStoppedOperatorFreesWhatWasQueuedAndWhatStillArrives() {
    MapOperator op = new MapOperator("m", input -> List.of(), 1);
    ColumnarBlockTest.FakeBatch queued = new ColumnarBlockTest.FakeBatch(3);
    op.addInput(new ColumnarBlock(queued));
    op.stopEarly();
    assertEquals(1, queued.closes, "dropped from the queue");

    ColumnarBlockTest.FakeBatch late = new ColumnarBlockTest.FakeBatch(2);
    op.addInput(new ColumnarBlock(late)); // from an upstream task that was still running
    assertEquals(1, late.closes);
    assertFalse(op.hasTask());
  }

  @Test
  void measuresItsTimePerRowFromTheTasksThatFinished() throws Exception {
    MapOperator op = new MapOperator("m", input -> {
      Thread.sleep(20);
      return List.of();
    }, 1);
    assertTrue(Double.isNaN(op.nanosPerRow()), "nothing measured before a task is done");
    op.addInput(new RowBlock<>(List.of(1, 2, 3, 4), 16));
    Task task = op.pollTask();
    task.run();
    assertTrue(Double.isNaN(op.nanosPerRow()), "a task counts once it is reported done");
    op.taskCompleted(task);

    // 4 rows in at least 20 ms: at least 5 ms a row.
    assertTrue(op.nanosPerRow() >= 5_000_000, "nanos per row: " + op.nanosPerRow());
  }

  /** Runs the operator's next task here, as a worker would; it must fail, and is reported so. */
  private static Task runFailing(MapOperator op) {
    Task task = op.pollTask();
    Exception error = assertThrows(Exception.class, task::run);
    op.taskFailed(task, error);
    return task;
  }

  @Test
  void aFailedTaskOverRowsRunsAgainOnTheSameRowsUntilItsRetriesAreSpent() {
    List<Integer> attemptsHeard = new ArrayList<>();
    List<Block> seen = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    MapOperator op = new MapOperator("m", input -> {
      seen.add(input);
      throw boom;
    }, 1, ExecutionResources.cpus(1), new RetriesTasks.Retries(2, (operator, attempt, error) -> attemptsHeard.add(attempt)));
    RowBlock<Integer> rows = new RowBlock<>(List.of(1, 2, 3), 12);
    op.addInput(rows);
    op.finishInput();

    assertTrue(op.retry(runFailing(op), boom), "first attempt failed: 2 retries left");
    assertFalse(op.isFinished(), "a task to run again keeps the operator open");
    assertTrue(op.retry(runFailing(op), boom), "second attempt failed: 1 retry left");
    assertFalse(op.retry(runFailing(op), boom), "third attempt failed: both retries spent");

    assertEquals(List.of(1, 2), attemptsHeard);
    assertEquals(List.of(rows, rows, rows), seen, "each attempt got the same rows");
    assertEquals(1, boom.getSuppressed().length);
    assertTrue(boom.getSuppressed()[0].getMessage().contains("failed on each of its 3 attempts"),
        boom.getSuppressed()[0].getMessage());
    assertFalse(op.hasTask());
    assertTrue(op.isFinished());
  }

  @Test
  void withoutRetriesOrWithAColumnarInputAFailureStands() {
    IllegalStateException boom = new IllegalStateException("boom");
    MapOperator noRetries = new MapOperator("m", input -> {
      throw boom;
    }, 1);
    noRetries.addInput(new RowBlock<>(List.of(1), 4));
    Task task = noRetries.pollTask();
    assertThrows(IllegalStateException.class, task::run);
    noRetries.taskFailed(task, boom);
    assertFalse(noRetries.retry(task, boom));
    assertEquals(0, boom.getSuppressed().length, "no retries were configured: nothing to say about them");

    MapOperator columnar = new MapOperator("m", input -> {
      throw boom;
    }, 1, ExecutionResources.cpus(1),
        new RetriesTasks.Retries(3, (operator, attempt, error) -> {}));
    columnar.addInput(new ColumnarBlock(new ColumnarBlockTest.FakeBatch(2)));
    Task onColumns = columnar.pollTask();
    Exception failure = assertThrows(IllegalStateException.class, onColumns::run);
    assertSame(boom, failure);
    columnar.taskFailed(onColumns, boom);
    assertFalse(columnar.retry(onColumns, boom), "the batch went to the failed task and cannot be fed again");
  }
}
