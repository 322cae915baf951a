package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Measures each runner's fixed cost per pipeline: the time from {@code pipeline.run()} until
 * {@code waitUntilFinish()} returns DONE for a four-element pipeline, in an already-warm JVM.
 *
 * <p>Usage: {@code StartupBenchmark [--runners=direct,flink,sluice] [--repeats=5]
 * [--anyPipelineOption=value ...]}. "loop" is accepted and ignored so both mains can share one
 * {@code --runners} value. Exits non-zero if any available runner fails.
 */
public final class StartupBenchmark {

  private static final int DEFAULT_REPEATS = 5;

  private final BenchmarkArgs args;
  private int runCounter;

  private StartupBenchmark(BenchmarkArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) {
    BenchmarkArgs args = BenchmarkArgs.parse(argv, 1, DEFAULT_REPEATS);
    StartupBenchmark benchmark = new StartupBenchmark(args);
    List<StartupResult> results = new ArrayList<>();
    for (String runner : List.of("direct", "flink", "sluice")) {
      if (!args.wants(runner)) {
        continue;
      }
      if (Runners.optionsFor(runner, args.pipelineArgs()).isEmpty()) {
        System.out.println(ThroughputBenchmark.displayName(runner) + ": not available");
        continue;
      }
      results.add(benchmark.measure(runner));
    }
    print(args.repeats(), results);
    if (results.stream().anyMatch(StartupResult::failed)) {
      System.err.println("Startup benchmark FAILED.");
      System.exit(1);
    }
  }

  private StartupResult measure(String runner) {
    try {
      // The first run loads classes and JIT-compiles the runner; we want the per-pipeline cost a
      // long-lived process (a service, a test suite, a notebook) pays, not JVM start-up.
      long firstRun = runOnce(runner);
      long[] nanos = new long[args.repeats()];
      for (int i = 0; i < nanos.length; i++) {
        nanos[i] = runOnce(runner);
      }
      return StartupResult.of(runner, firstRun, nanos);
    } catch (RuntimeException | Error e) {
      e.printStackTrace();
      return StartupResult.failed(runner, String.valueOf(e));
    }
  }

  private long runOnce(String runner) {
    PipelineOptions options = Runners.optionsFor(runner, args.pipelineArgs()).orElseThrow();
    String runId = runner + "-" + (++runCounter);
    long nanos = TimedRuns.runToDone(StartupPipeline.build(options, runId));
    OptionalLong count = InProcessResults.take(runId);
    if (count.orElse(0) != StartupPipeline.ELEMENTS) {
      throw new IllegalStateException(
          runner + " processed " + count.orElse(0) + " elements, expected " + StartupPipeline.ELEMENTS);
    }
    return nanos;
  }

  private static void print(int repeats, List<StartupResult> results) {
    System.out.printf(
        "%nStartup: run() -> waitUntilFinish() == DONE, 4 elements, %d timed runs after 1 warm-up%n"
            + "(first run: the warm-up itself, class loading included; only the first runner in a JVM also"
            + " loads Beam's SDK, so measure one runner per JVM to compare first runs)%n",
        repeats);
    System.out.printf("%-8s %12s %12s %14s%n", "runner", "median ms", "min ms", "first run ms");
    for (StartupResult r : results) {
      if (r.failed()) {
        System.out.printf("%-8s FAILED: %s%n", r.runner(), r.error());
      } else {
        System.out.printf("%-8s %12.1f %12.1f %14.1f%n", r.runner(), r.medianMillis(), r.minMillis(),
            r.firstRunNanos() / 1e6);
      }
    }
  }
}
