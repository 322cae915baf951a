package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs one CPU-bound Beam pipeline on DirectRunner, FlinkRunner (embedded, parallelism = cores) and
 * SluiceRunner, plus a framework-free loop doing the same work, and compares wall times.
 *
 * <p>Usage: {@code ThroughputBenchmark [--records=N] [--repeats=K] [--runners=direct,flink,sluice,loop]
 * [--anyPipelineOption=value ...]}. Each runner (and the loop) is timed K times after a warm-up and
 * its median is reported, so JIT compilation that is still going on in the first full-size run
 * weighs the same for every runner. Exits non-zero if any runner fails or disagrees with the loop.
 */
public final class ThroughputBenchmark {

  private static final long DEFAULT_RECORDS = 2_000_000L;

  private final BenchmarkArgs args;
  private int runCounter;

  private ThroughputBenchmark(BenchmarkArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    BenchmarkArgs args = BenchmarkArgs.parse(argv, DEFAULT_RECORDS, 3);
    List<ThroughputResult> results = new ThroughputBenchmark(args).runAll();
    ThroughputReport.print(System.out, args.records(), results);
    if (results.stream().anyMatch(ThroughputResult::isError)) {
      System.err.println("Throughput benchmark FAILED: see rows marked FAILED or MISMATCH.");
      System.exit(1);
    }
  }

  private List<ThroughputResult> runAll() throws InterruptedException {
    long records = args.records();
    // Warm-up: a tenth of the data is enough to JIT-compile the hot paths and load classes, so
    // the timed run measures steady-state execution rather than JVM start-up costs.
    long warmUpRecords = Math.max(1, records / 10);

    // The loop is always run: its checksum is the reference every runner is checked against,
    // even when its timing was not asked for.
    PhysicalLimitLoop.checksum(warmUpRecords, Runners.CORES);
    long expected = PhysicalLimitLoop.checksum(records, Runners.CORES);
    long[] loopRuns = new long[args.repeats()];
    for (int i = 0; i < loopRuns.length; i++) {
      TimedRuns.settleHeap();
      long start = System.nanoTime();
      PhysicalLimitLoop.checksum(records, Runners.CORES);
      loopRuns[i] = System.nanoTime() - start;
    }
    long loopNanos = TimedRuns.median(loopRuns);
    // Single-threaded on purpose: also cross-checks that the loop's range split loses nothing.
    long expectedWarmUp = PhysicalLimitLoop.checksum(warmUpRecords, 1);

    List<ThroughputResult> results = new ArrayList<>();
    if (args.wants("loop")) {
      results.add(ThroughputResult.ok("loop", loopNanos, expected));
    }
    for (String runner : List.of("direct", "flink", "sluice")) {
      if (args.wants(runner)) {
        results.add(measure(runner, warmUpRecords, expectedWarmUp, records, expected));
      }
    }
    return results;
  }

  private ThroughputResult measure(
      String runner, long warmUpRecords, long expectedWarmUp, long records, long expected) {
    if (Runners.optionsFor(runner, args.pipelineArgs()).isEmpty()) {
      System.out.println(displayName(runner) + ": not available");
      return ThroughputResult.notAvailable(runner);
    }
    try {
      System.out.printf("%s: warm-up (%,d records)%n", runner, warmUpRecords);
      Timed warmUp = runOnce(runner, warmUpRecords);
      if (warmUp.checksum() != expectedWarmUp) {
        return ThroughputResult.mismatch(
            runner, warmUp.nanos(), warmUp.checksum(), "warm-up checksum differs from loop");
      }
      long[] runs = new long[args.repeats()];
      for (int i = 0; i < runs.length; i++) {
        System.out.printf("%s: timed run %d of %d (%,d records)%n", runner, i + 1, runs.length, records);
        Timed timed = runOnce(runner, records);
        System.out.printf("%s: %.3f s%n", runner, TimedRuns.seconds(timed.nanos()));
        if (timed.checksum() != expected) {
          return ThroughputResult.mismatch(runner, timed.nanos(), timed.checksum(),
              String.format("expected %016x from loop", expected));
        }
        runs[i] = timed.nanos();
      }
      return ThroughputResult.ok(runner, TimedRuns.median(runs), expected);
    } catch (RuntimeException | Error e) {
      e.printStackTrace();
      return ThroughputResult.failed(runner, e);
    }
  }

  private Timed runOnce(String runner, long records) {
    PipelineOptions options = Runners.optionsFor(runner, args.pipelineArgs()).orElseThrow();
    String runId = runner + "-" + (++runCounter);
    long nanos = TimedRuns.runToDone(ThroughputPipeline.build(options, records, runId));
    OptionalLong checksum = InProcessResults.take(runId);
    if (checksum.isEmpty()) {
      throw new IllegalStateException(runner + " finished but published no checksum");
    }
    return new Timed(nanos, checksum.getAsLong());
  }

  static String displayName(String runner) {
    return switch (runner) {
      case "direct" -> "DirectRunner";
      case "flink" -> "FlinkRunner";
      case "sluice" -> "SluiceRunner";
      default -> runner;
    };
  }

  private record Timed(long nanos, long checksum) {}
}
