package io.sluice.runner.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.operator.CoreYield;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BoundedSourceSplitTest {

  /** 16 blocks of 100 rows: a chunk of cheap records is 1,600 records. */
  private static final BlockSize BLOCK = new BlockSize(100, 1L << 20);

  private final OperatorContext context =
      new OperatorContext(PipelineOptionsFactory.create(), new RunMetrics(), BLOCK, null, 1, CoreYield.NEVER);
  private AutoCloseable metricsScope;

  @BeforeEach
  void countSourceMetricsSomewhere() {
    // CountingSource counts the elements it reads; outside a container Beam logs an error.
    metricsScope = MetricsEnvironment.scopedMetricsContainer(new MetricsContainerImpl("test"));
  }

  @AfterEach
  void closeMetricsScope() throws Exception {
    metricsScope.close();
  }

  private BoundedSourceSplit splitOf(long records) {
    return new BoundedSourceSplit(CountingSource.upTo(records), VarLongCoder.of(), "Read", context);
  }

  /**
   * Feeds one chunk into a sink that spends {@code micros} on each record, and hands it on; returns
   * what it saw.
   */
  private static List<Long> feedChunk(BoundedSourceSplit split, long micros) throws Exception {
    List<Long> seen = new ArrayList<>();
    split.feedChunk(element -> {
      long end = System.nanoTime() + micros * 1_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      seen.add((Long) element.getValue());
    }, () -> 0L);
    split.chunkHandedOn();
    return seen;
  }

  @Test
  void cheapRecordsFillWholeChunks() throws Exception {
    BoundedSourceSplit split = splitOf(10_000);
    List<Integer> chunks = new ArrayList<>();

    while (!split.isDone()) {
      chunks.add(feedChunk(split, 0).size());
      assertNull(split.splitRemainder(), "cheap records are not worth sharing");
    }

    assertEquals(10_000, chunks.stream().mapToInt(Integer::intValue).sum());
    assertTrue(chunks.stream().allMatch(rows -> rows <= 1_600), chunks.toString());
    assertTrue(chunks.stream().filter(rows -> rows == 1_600).count() >= 6, chunks.toString());
  }

  @Test
  void recordsUnderTheSlowLineFillWholeChunksOnOneThread() throws Exception {
    // Records of 20 us, under the 50 us that counts as slow: whole chunks, never shared, so a run's
    // sharded keys and map-side combines see one instance (Beam's GroupIntoBatches sharded-key test
    // needs all its records on one thread). The price: a chunk's output waits for the whole chunk.
    BoundedSourceSplit split = splitOf(10_000);
    List<Integer> chunks = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      chunks.add(feedChunk(split, 20).size());
      assertNull(split.splitRemainder(), "records under the slow threshold are not split off");
    }

    assertTrue(chunks.stream().allMatch(rows -> rows == 1_600), chunks.toString());
  }

  @Test
  void oneStalledRecordDoesNotMakeTheRestSlow() throws Exception {
    // A 40 ms stall (a GC pause, a preempted thread) among records of 20 us: a mean over the chunk
    // called them slow; most strides were fast.
    BoundedSourceSplit split = splitOf(10_000);
    int[] fed = {0};
    List<Long> seen = new ArrayList<>();
    split.feedChunk(element -> {
      long end = System.nanoTime() + (++fed[0] == 200 ? 40_000_000L : 20_000L);
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      seen.add((Long) element.getValue());
    }, () -> 0L);

    assertEquals(1_600, seen.size(), "a whole chunk");
    assertNull(split.splitRemainder(), "not split off");
  }

  @Test
  void theChunksThatEndASplitOfSlowRecordsAreShorter() throws Exception {
    // Records of 100 us: a full chunk (20 ms) is about 200 records. The last chunks of the split end
    // after 5 ms (at the next clock reading, every 16 records: 64 records), so a consumer waits less
    // for the run's last records.
    BoundedSourceSplit split = splitOf(3_000);
    List<Integer> chunks = new ArrayList<>();
    Set<Long> seen = new HashSet<>();

    while (!split.isDone()) {
      List<Long> chunk = feedChunk(split, 100);
      chunks.add(chunk.size());
      seen.addAll(chunk);
    }

    assertEquals(3_000, chunks.stream().mapToInt(Integer::intValue).sum(), chunks.toString());
    assertEquals(3_000, seen.size());
    // Compared with the median chunk before them, not the largest: on a loaded machine full chunks
    // vary with preemption. The last alone could be a short remainder anyway; the one before it
    // could not.
    List<Integer> before = chunks.subList(0, chunks.size() - 2).stream().sorted().toList();
    int typical = before.get(before.size() / 2);
    for (int last : chunks.subList(chunks.size() - 2, chunks.size())) {
      assertTrue(3 * last <= 2 * typical, chunks.toString());
    }
  }

  @Test
  void theFirstChunkOfSlowRecordsIsShorter() throws Exception {
    // Records of 100 us: a full chunk (20 ms) is about 200 records, the first ends after 5 ms (64
    // records at the clock readings every 16), so a consumer (a GPU stage) starts sooner.
    BoundedSourceSplit split = splitOf(3_000);
    List<Integer> chunks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      chunks.add(feedChunk(split, 100).size());
    }

    // Against the median of the full chunks after it: on a loaded machine they vary with preemption.
    List<Integer> after = chunks.subList(1, chunks.size()).stream().sorted().toList();
    assertTrue(3 * chunks.get(0) <= 2 * after.get(after.size() / 2), chunks.toString());
  }

  @Test
  void slowRecordsAreSharedAndNothingIsLostOrReadTwice() throws Exception {
    BoundedSourceSplit split = splitOf(2_000);
    List<Long> slow = new ArrayList<>();
    BoundedSourceSplit residual = feedUntilShared(split, slow);

    Set<Long> seen = new HashSet<>(slow);
    int reads = slow.size();
    for (BoundedSourceSplit part : List.of(split, residual)) {
      while (!part.isDone()) {
        List<Long> chunk = feedChunk(part, 0);
        reads += chunk.size();
        seen.addAll(chunk);
      }
    }
    assertEquals(2_000, reads);
    assertEquals(2_000, seen.size());
  }

  /** Feeds chunks of slow records into {@code seen} until the split shares the rest; returns that. */
  private static BoundedSourceSplit feedUntilShared(BoundedSourceSplit split, List<Long> seen) throws Exception {
    BoundedSourceSplit residual = null;
    // A chunk whose strides loaded classes (a cold JVM) is no evidence: another may be needed.
    for (int i = 0; i < 3 && residual == null; i++) {
      seen.addAll(feedChunk(split, 100));
      residual = split.splitRemainder();
    }
    assertNotNull(residual, "chunks of slow records that ran out of time share the rest");
    return residual;
  }

  /** Feeds one chunk into a sink that fails on record {@code failAt}; returns what it saw before. */
  private static List<Long> feedFailingChunk(BoundedSourceSplit split, long failAt) {
    List<Long> seen = new ArrayList<>();
    assertThrows(RuntimeException.class, () -> split.feedChunk(element -> {
      if ((Long) element.getValue() == failAt) {
        throw new IllegalStateException("a transient failure on record " + failAt);
      }
      seen.add((Long) element.getValue());
    }, () -> 0L));
    return seen;
  }

  private static Set<Long> upTo(long records) {
    return LongStream.range(0, records).boxed().collect(Collectors.toSet());
  }

  @Test
  void aFailedChunkIsReadAgainAfterTheChunksThatWentOnBefore() throws Exception {
    BoundedSourceSplit split = splitOf(5_000);
    List<Long> handedOn = new ArrayList<>(feedChunk(split, 0));
    feedFailingChunk(split, 2_000); // its records are dropped with it

    assertTrue(split.restart());
    List<Long> afterRestart = feedChunk(split, 0);
    handedOn.addAll(afterRestart);
    feedFailingChunk(split, 3_500); // a second failure, in a later chunk
    assertTrue(split.restart());
    List<Long> afterSecondRestart = feedChunk(split, 0);
    handedOn.addAll(afterSecondRestart);
    while (!split.isDone()) {
      handedOn.addAll(feedChunk(split, 0));
    }

    assertEquals(1_600L, afterRestart.get(0), "the failed chunk's first record");
    assertEquals(3_200L, afterSecondRestart.get(0), "the second failed chunk's first record");
    assertEquals(5_000, handedOn.size(), "nothing read twice");
    assertEquals(upTo(5_000), new HashSet<>(handedOn));
  }

  @Test
  void aRetryAfterPartOfTheSplitWentElsewhereReadsOnlyWhatTheSplitKept() throws Exception {
    BoundedSourceSplit split = splitOf(2_000);
    List<Long> handedOn = new ArrayList<>();
    BoundedSourceSplit residual = feedUntilShared(split, handedOn);
    feedFailingChunk(split, handedOn.size()); // fails on the chunk's first record

    assertTrue(split.restart());
    for (BoundedSourceSplit part : List.of(split, residual)) {
      while (!part.isDone()) {
        handedOn.addAll(feedChunk(part, 0));
      }
    }

    assertEquals(2_000, handedOn.size(), "nothing read twice");
    assertEquals(upTo(2_000), new HashSet<>(handedOn));
  }

  @Test
  void aSourceThatYieldsFewerRecordsWhenReadAgainFailsTheRetrySayingWhy() throws Exception {
    BoundedSourceSplit split =
        new BoundedSourceSplit(FlakyRangeSource.yieldingFewerWhenReadAgain(3_000, 1_000), VarLongCoder.of(), "Read", context);
    feedChunk(split, 0);
    feedFailingChunk(split, 2_000);

    assertTrue(split.restart());
    RuntimeException failure = assertThrows(RuntimeException.class, () -> feedChunk(split, 0));

    assertTrue(String.valueOf(failure.getMessage()).contains("yielded 1000 records where 1600 had gone on before"),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("--maxTaskRetries=0"), failure.getMessage());
  }
}
