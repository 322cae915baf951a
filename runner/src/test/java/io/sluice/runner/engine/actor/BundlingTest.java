package io.sluice.runner.engine.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BundlingTest {
  private final Bundling batchesOf64 = new Bundling(64, 256);

  @Test
  void bundlesHoldWholeBatchesUpToTheMaximum() {
    assertEquals(64, batchesOf64.nextBundleRows(100, false));
    assertEquals(192, batchesOf64.nextBundleRows(200, false));
    assertEquals(256, batchesOf64.nextBundleRows(10_000, false));
  }

  @Test
  void lessThanABatchWaitsUntilNoMoreInputWillCome() {
    assertEquals(0, batchesOf64.nextBundleRows(63, false));
    assertEquals(63, batchesOf64.nextBundleRows(63, true));
    assertEquals(0, batchesOf64.nextBundleRows(0, true));
  }

  @Test
  void withoutABatchSizeEverythingQueuedGoesUpToTheMaximum() {
    assertEquals(7, Bundling.NONE.nextBundleRows(7, false));
    assertEquals(4096, new Bundling(1, 4096).nextBundleRows(10_000, false));
  }

  @Test
  void aBundleMustHoldABatch() {
    assertThrows(IllegalArgumentException.class, () -> new Bundling(64, 32));
    assertThrows(IllegalArgumentException.class, () -> new Bundling(0, 32));
  }
}
