package io.sluice.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Beam pipeline whose queued data outgrows a tiny memory budget: it spills, and loses nothing. */
class SpillingPipelineTest {
  @TempDir Path spillParent;

  @Test
  void aSpillDirectoryThatCannotTakeSpillsFailsAtConstruction() throws Exception {
    Path file = Files.createFile(spillParent.resolve("a-file"));
    for (Path bad : List.of(spillParent.resolve("missing"), file)) {
      SluicePipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--spillDirectory=" + bad)
          .as(SluicePipelineOptions.class);
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SluiceRunner.fromOptions(options));
      assertTrue(error.getMessage().startsWith("--spillDirectory=" + bad + " is invalid: there is no such directory"),
          error.getMessage());
    }
    SluicePipelineOptions writable = PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", "--spillDirectory=" + spillParent)
        .as(SluicePipelineOptions.class);
    SluiceRunner.fromOptions(writable);
  }

  @Test
  void blocksBeyondTheBudgetSpillWithTheirCoderAndEveryRecordIsCounted() throws Exception {
    // Half a read chunk's output (up to four 256 KiB blocks): the budget is exceeded whenever a chunk
    // lands before the consumer has caught up. With a budget of one whole chunk, whether the run
    // spilled depended on timing: once, in a full build, it did not.
    SluicePipelineOptions options = PipelineOptionsFactory.fromArgs("--memoryBudget=" + (512 << 10),
        "--targetBlockBytes=" + (256 << 10), "--parallelism=2", "--blockOnRun=false",
        "--spillDirectory=" + spillParent,
        // Inflate stays on tasks, so the inflated records queue ahead of the pool rather than go straight to it.
        "--fuseTasksIntoActorPools=false").as(SluicePipelineOptions.class);
    options.setRunner(SluiceRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollection<Long> lengths = p.apply(GenerateSequence.from(0).to(20_000))
        .apply("Inflate", ParDo.of(new InflateFn()))
        // A separate, slower stage (an actor pool), so inflated records wait in its input queue.
        .apply("Measure", ParDo.of(new MeasureFn())
            .setResourceHints(ActorPoolHint.add(ResourceHints.create(), ActorPoolHint.of(1, 1))))
        .apply(Sum.longsGlobally());
    PAssert.thatSingleton(lengths).isEqualTo(20_000L * 1024 + (20_000L * 19_999 / 2));
    SluicePipelineResult result = (SluicePipelineResult) p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue(result.stats().contains("spilled "), result.stats());
    try (Stream<Path> left = Files.list(spillParent)) {
      assertEquals(0, left.count(), "the run's spill directory is gone");
    }
  }

  /** A 1 KiB record carrying its number. */
  static final class InflateFn extends DoFn<Long, byte[]> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<byte[]> out) {
      byte[] record = new byte[1024];
      for (int b = 0; b < 8; b++) {
        record[b] = (byte) (i >>> (8 * b));
      }
      out.output(record);
    }
  }

  /** Its length plus the number it carries, slowly. */
  static final class MeasureFn extends DoFn<byte[], Long> {
    @ProcessElement
    public void process(@Element byte[] record, OutputReceiver<Long> out) throws InterruptedException {
      long i = 0;
      for (int b = 0; b < 8; b++) {
        i |= (record[b] & 0xFFL) << (8 * b);
      }
      if (i % 100 == 0) {
        Thread.sleep(1);
      }
      out.output(record.length + i);
    }
  }
}
