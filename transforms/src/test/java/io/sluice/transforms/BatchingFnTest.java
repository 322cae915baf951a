package io.sluice.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.OutputBuilder;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The batching DoFn on its own: when a partial batch goes to the UDF before its bundle ends. */
class BatchingFnTest {
  private final List<Integer> batchSizes = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();

  @Test
  void aPartialBatchOlderThanTheMaxDelayGoesOutWhenTheNextElementArrives() throws Exception {
    MapBatches.BatchingFn<Integer, Integer> fn = fn(Duration.ofMillis(20).toNanos());
    fn.startBundle();
    process(fn, 1);
    Thread.sleep(60);
    process(fn, 2); // the batch {1, 2} started 60 ms ago: past the 20 ms delay
    process(fn, 3);
    assertEquals(List.of(2), batchSizes, "the overdue batch went out without waiting for the bundle's end");
    assertEquals(List.of(1, 2), outputs);
  }

  @Test
  void withoutAMaxDelayAPartialBatchWaitsForTheBundleEnd() throws Exception {
    MapBatches.BatchingFn<Integer, Integer> fn = fn(0);
    fn.startBundle();
    process(fn, 1);
    Thread.sleep(60);
    process(fn, 2);
    assertEquals(List.of(), batchSizes);
  }

  @Test
  void maxDelayMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MapBatches.of((List<Integer> b) -> b).withMaxBatchDelay(Duration.ZERO));
    assertTrue(e.getMessage().contains("maxBatchDelay must be positive"), e.getMessage());
  }

  private MapBatches.BatchingFn<Integer, Integer> fn(long maxDelayNanos) throws Exception {
    MapBatches.BatchingFn<Integer, Integer> fn = new MapBatches.BatchingFn<>(new MapBatches.Batching<Integer, Integer>(
        batch -> {
          batchSizes.add(batch.size());
          return batch;
        }, null, 100, maxDelayNanos, false, null));
    fn.setup();
    return fn;
  }

  private void process(MapBatches.BatchingFn<Integer, Integer> fn, int element) throws Exception {
    fn.process(element, new Instant(0), GlobalWindow.INSTANCE, new DoFn.OutputReceiver<>() {
      @Override
      public OutputBuilder<Integer> builder(Integer value) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void output(Integer value) {
        outputs.add(value);
      }

      @Override
      public void outputWithTimestamp(Integer value, Instant timestamp) {
        outputs.add(value);
      }
    });
  }
}
