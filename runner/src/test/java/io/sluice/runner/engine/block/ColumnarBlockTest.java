package io.sluice.runner.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class ColumnarBlockTest {
  /** Counts its closes. */
  public static final class FakeBatch implements ColumnarBlock.Batch {
    final int rows;
    public int closes;

    public FakeBatch(int rows) {
      this.rows = rows;
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public long bytes() {
      return 100L * rows;
    }

    @Override
    public void close() {
      closes++;
    }
  }

  @Test
  void theBatchIsClosedOnceTheLastOfItsRowsIsReleasedWhicheverSliceHeldThem() {
    FakeBatch batch = new FakeBatch(10);
    ColumnarBlock whole = new ColumnarBlock(batch);
    ColumnarBlock head = whole.slice(0, 4);
    ColumnarBlock tail = whole.slice(4, 10);
    ColumnarBlock tailHead = tail.slice(0, 3);
    ColumnarBlock tailTail = tail.slice(3, 6);
    assertEquals(4, tailHead.from());
    assertEquals(7, tailTail.from());
    assertEquals(10, tailTail.to());
    assertEquals(400, head.bytes());

    tailTail.release();
    head.release();
    assertEquals(0, batch.closes);
    tailHead.release();
    assertEquals(1, batch.closes);
  }

  @Test
  void releasingAViewTwiceCountsItsRowsOnce() {
    FakeBatch batch = new FakeBatch(6);
    ColumnarBlock whole = new ColumnarBlock(batch);
    ColumnarBlock head = whole.slice(0, 3);
    head.release();
    head.release();
    assertEquals(0, batch.closes, "the other three rows are still to be read");
    whole.slice(3, 6).release();
    assertEquals(1, batch.closes);
  }

  @Test
  void onlyAWholeViewWithNoOtherRowsOutstandingOwnsTheBatch() {
    ColumnarBlock whole = new ColumnarBlock(new FakeBatch(5));
    assertTrue(whole.ownsWholeBatch());
    assertSame(whole, whole.slice(0, 5));
    assertFalse(whole.slice(1, 5).ownsWholeBatch());
    assertThrows(IndexOutOfBoundsException.class, () -> whole.slice(2, 6));
  }

  @Test
  void aConsumerCanTakeTheBatchFromItsOnlyWholeViewAndThenClosesItItself() {
    FakeBatch batch = new FakeBatch(4);
    ColumnarBlock whole = new ColumnarBlock(batch);
    assertSame(batch, whole.take());
    whole.release();
    assertEquals(0, batch.closes, "taken: the consumer closes it");
    assertThrows(IllegalStateException.class, whole::take);
    assertThrows(IllegalStateException.class, () -> new ColumnarBlock(new FakeBatch(4)).slice(0, 2).take());
  }

  @Test
  void anEmptyBatchIsClosedWhenReleased() {
    FakeBatch batch = new FakeBatch(0);
    ColumnarBlock empty = new ColumnarBlock(batch);
    assertEquals(0, empty.bytes());
    empty.release();
    assertEquals(1, batch.closes);
  }
}
