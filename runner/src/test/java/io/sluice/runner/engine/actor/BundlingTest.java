package io.sluice.runner.engine.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BundlingTest {
  private static final double UNMEASURED = Double.NaN;
  private final Bundling batchesOf64 = new Bundling(64, 256);

  @Test
  void bundlesHoldWholeBatchesUpToTheMaximum() {
    assertEquals(64, batchesOf64.nextBundleRows(100, false, UNMEASURED));
    assertEquals(192, batchesOf64.nextBundleRows(200, false, UNMEASURED));
    assertEquals(256, batchesOf64.nextBundleRows(10_000, false, UNMEASURED));
  }

  @Test
  void lessThanABatchWaitsUntilNoMoreInputWillCome() {
    assertEquals(0, batchesOf64.nextBundleRows(63, false, UNMEASURED));
    assertEquals(63, batchesOf64.nextBundleRows(63, true, UNMEASURED));
    assertEquals(0, batchesOf64.nextBundleRows(0, true, UNMEASURED));
  }

  @Test
  void withoutABatchSizeEverythingQueuedGoesUpToTheMaximum() {
    assertEquals(7, Bundling.NONE.nextBundleRows(7, false, UNMEASURED));
    assertEquals(4096, new Bundling(1, 4096).nextBundleRows(10_000, false, UNMEASURED));
  }

  @Test
  void onceTheTimePerRowIsKnownBundlesAreCutToTheTargetTime() {
    Bundling fiftyMillis = new Bundling(64, 4096, 50_000_000L);
    // 100 us a row: 500 rows make 50 ms, rounded down to whole batches.
    assertEquals(448, fiftyMillis.nextBundleRows(10_000, false, 100_000));
    // Slower than a batch per target: still a whole batch.
    assertEquals(64, fiftyMillis.nextBundleRows(10_000, false, 10_000_000));
    // Faster: never beyond the maximum.
    assertEquals(4096, fiftyMillis.nextBundleRows(10_000, false, 10));
    assertEquals(30, fiftyMillis.nextBundleRows(30, true, 100_000));
  }

  @Test
  void withATargetBundlesAreSmallUntilTheTimePerRowIsKnown() {
    assertEquals(Bundling.FIRST_BUNDLE_ROWS,
        new Bundling(1, 4096, 50_000_000L).nextBundleRows(10_000, false, UNMEASURED));
    // Never less than a batch, never more than the maximum.
    assertEquals(256, new Bundling(256, 4096, 50_000_000L).nextBundleRows(10_000, false, UNMEASURED));
    assertEquals(16, new Bundling(1, 16, 50_000_000L).nextBundleRows(10_000, false, UNMEASURED));
    assertEquals(4096, new Bundling(1, 4096, 50_000_000L).nextBundleRows(10_000, false, 10));
  }

  @Test
  void withoutATargetTheTimePerRowChangesNothing() {
    assertEquals(256, batchesOf64.nextBundleRows(10_000, false, 10_000_000));
  }

  @Test
  void aBundleMustHoldABatch() {
    assertThrows(IllegalArgumentException.class, () -> new Bundling(64, 32));
    assertThrows(IllegalArgumentException.class, () -> new Bundling(0, 32));
    assertThrows(IllegalArgumentException.class, () -> new Bundling(1, 32, -1));
  }
}
