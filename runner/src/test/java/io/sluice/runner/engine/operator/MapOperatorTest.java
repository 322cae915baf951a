package io.sluice.runner.engine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.ColumnarBlockTest;
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
}
