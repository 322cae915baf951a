package io.sluice.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs one CPU-bound Beam pipeline on DirectRunner, FlinkRunner (embedded, parallelism = cores) and
 * SluiceRunner, plus a framework-free loop doing the same work, and compares wall times.
 *
 * <p>Usage: {@code ThroughputBenchmark [--records=N] [--repeats=K] [--runners=direct,flink,sluice,loop]
 * [--anyPipelineOption=value ...]}. Each runner (and the loop) is warmed up on a tenth of the data
 * and then on full-size runs (see {@link #FULL_SIZE_WARM_UPS} and {@link #MIN_WARM_UP_NANOS}), timed
 * K times, and its median is reported: steady-state throughput, measured the same way for every
 * runner. Exits non-zero if any runner fails or disagrees with the loop.
 */
public final class ThroughputBenchmark {

  private static final long DEFAULT_RECORDS = 2_000_000L;
  /** Full-size untimed runs per runner before timing, at least: the JIT compiles a runner's hot paths over several. */
  private static final int FULL_SIZE_WARM_UPS = 2;
  /**
   * And full-size warm-up runs go on until this much time has passed, as JMH warms up for a time
   * rather than a count: a runner whose run takes 0.2 s executes its per-run code (translation,
   * set-up, the small stages) once per run, and the JIT went on compiling it for about 20 such
   * runs here, 160-420 ms of compilation per run in runs 3-11 against 70-200 ms later, on the
   * same two cores the run uses. Runners whose run takes several seconds pass it in two runs.
   */
  private static final long MIN_WARM_UP_NANOS = 5_000_000_000L;

  private final BenchmarkArgs args;
  private int runCounter;

  private ThroughputBenchmark(BenchmarkArgs args) {
    this.args = args;
  }

  private static final String IN_PROCESS = "--inProcess";
  private static final String RESULT = "RESULT ";

  /**
   * Measures each runner (and the loop) in a JVM of its own, started with this JVM's flags and
   * classpath, then prints them side by side: runners sharing a JVM slow each other down (Beam's
   * shared call sites turn megamorphic, one runner's garbage is collected on another's clock).
   * {@code --inProcess} measures in this JVM instead.
   */
  public static void main(String[] argv) throws Exception {
    boolean inProcess = Arrays.asList(argv).contains(IN_PROCESS);
    String[] rest = Arrays.stream(argv).filter(a -> !a.equals(IN_PROCESS)).toArray(String[]::new);
    BenchmarkArgs args = BenchmarkArgs.parse(rest, DEFAULT_RECORDS, 3);
    List<ThroughputResult> results;
    if (inProcess) {
      // A child: one line per result, read by the parent, which prints the table.
      results = new ThroughputBenchmark(args).runAll();
      for (ThroughputResult result : results) {
        System.out.println(RESULT + result.runner() + " " + result.status() + " " + result.nanos() + " "
            + result.loopNanos() + " " + result.jitMillisPerRun() + " " + result.checksum() + " "
            + result.detail().replace('\n', ' '));
      }
      System.exit(results.stream().anyMatch(ThroughputResult::isError) ? 1 : 0);
    } else {
      results = new ArrayList<>();
      for (String runner : List.of("loop", "direct", "flink", "sluice")) {
        if (args.wants(runner)) {
          results.addAll(inOwnJvm(runner, rest));
        }
      }
    }
    ThroughputReport.print(System.out, args.records(), results);
    if (results.stream().anyMatch(ThroughputResult::isError)) {
      System.err.println("Throughput benchmark FAILED: see rows marked FAILED or MISMATCH.");
      System.exit(1);
    }
  }

  private static List<ThroughputResult> inOwnJvm(String runner, String[] argv) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    command.addAll(flags);
    if (flags.stream().noneMatch(flag -> flag.startsWith("-Xms"))) {
      // A heap of fixed size: G1 otherwise shrinks the heap at the full GC before each timed run
      // and regrows it during the run, with a young generation too small for the allocation rate.
      // Measured here: Sluice runs alternated between 0.2 s and 0.45 s (twice the CPU), and the
      // loop's between 0.05 s and 0.38 s; with the heap fixed, 0.16-0.29 s.
      command.add("-Xms" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ThroughputBenchmark.class.getName(), IN_PROCESS));
    for (String arg : argv) {
      if (!arg.startsWith("--runners=")) {
        command.add(arg);
      }
    }
    command.add("--runners=" + runner);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<ThroughputResult> results = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          String[] fields = line.substring(RESULT.length()).split(" ", 7);
          if (fields[0].equals(runner)) {
            results.add(new ThroughputResult(fields[0], ThroughputResult.Status.valueOf(fields[1]),
                Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[4]),
                Long.parseLong(fields[5]), fields.length > 6 ? fields[6] : ""));
          }
        } else if (!line.contains(" WARN ")) {
          System.out.println("  [" + runner + " JVM] " + line);
        }
      }
    }
    if (child.waitFor() != 0 && results.isEmpty()) {
      results.add(ThroughputResult.failed(runner, new IllegalStateException("its JVM exited with " + child.exitValue())));
    }
    return results;
  }

  private List<ThroughputResult> runAll() throws InterruptedException {
    long records = args.records();
    // Warm-up: a tenth of the data first (classes loaded, checksum checked), then full-size runs
    // (see FULL_SIZE_WARM_UPS), so the timed runs measure steady-state execution for every runner.
    long warmUpRecords = Math.max(1, records / 10);

    // The loop is always run: its checksum is the reference every runner is checked against,
    // even when its timing was not asked for.
    PhysicalLimitLoop.checksum(warmUpRecords, Runners.CORES);
    long expected = PhysicalLimitLoop.checksum(records, Runners.CORES);
    long warmUpStart = System.nanoTime();
    int warmUps = 1;
    for (; warmUps < FULL_SIZE_WARM_UPS || System.nanoTime() - warmUpStart < MIN_WARM_UP_NANOS; warmUps++) {
      TimedRuns.settle();
      PhysicalLimitLoop.checksum(records, Runners.CORES);
    }
    System.out.printf("loop: warmed up with %d full-size runs%n", warmUps);
    long jitBefore = TimedRuns.compileMillis();
    long[] loopRuns = new long[args.repeats()];
    for (int i = 0; i < loopRuns.length; i++) {
      TimedRuns.settle();
      long start = System.nanoTime();
      PhysicalLimitLoop.checksum(records, Runners.CORES);
      loopRuns[i] = System.nanoTime() - start;
    }
    long loopJitPerRun = (TimedRuns.compileMillis() - jitBefore) / loopRuns.length;
    long loopNanos = TimedRuns.median(loopRuns);
    // Single-threaded on purpose: also cross-checks that the loop's range split loses nothing.
    long expectedWarmUp = PhysicalLimitLoop.checksum(warmUpRecords, 1);

    List<ThroughputResult> results = new ArrayList<>();
    if (args.wants("loop")) {
      results.add(ThroughputResult.ok("loop", loopNanos, loopNanos, loopJitPerRun, expected));
    }
    for (String runner : List.of("direct", "flink", "sluice")) {
      if (args.wants(runner)) {
        results.add(measure(runner, warmUpRecords, expectedWarmUp, records, expected));
      }
    }
    return results;
  }

  private ThroughputResult measure(
      String runner, long warmUpRecords, long expectedWarmUp, long records, long expected)
      throws InterruptedException {
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
      long warmUpStart = System.nanoTime();
      for (int i = 0; i < FULL_SIZE_WARM_UPS || System.nanoTime() - warmUpStart < MIN_WARM_UP_NANOS; i++) {
        System.out.printf("%s: full-size warm-up %d%n", runner, i + 1);
        Timed fullWarmUp = runOnce(runner, records);
        if (fullWarmUp.checksum() != expected) {
          return ThroughputResult.mismatch(runner, fullWarmUp.nanos(), fullWarmUp.checksum(),
              "full-size warm-up checksum differs from loop");
        }
      }
      long jitBefore = TimedRuns.compileMillis();
      long[] runs = new long[args.repeats()];
      // The loop again before each timed run, in this JVM: bursts of load on a shared machine then
      // fall on both, and the ratio of the two medians is measured side by side.
      long[] loopRuns = new long[args.repeats()];
      for (int i = 0; i < runs.length; i++) {
        TimedRuns.settle();
        long loopStart = System.nanoTime();
        PhysicalLimitLoop.checksum(records, Runners.CORES);
        loopRuns[i] = System.nanoTime() - loopStart;
        System.out.printf("%s: timed run %d of %d (%,d records)%n", runner, i + 1, runs.length, records);
        Timed timed = runOnce(runner, records);
        System.out.printf("%s: %.3f s%n", runner, TimedRuns.seconds(timed.nanos()));
        if (timed.checksum() != expected) {
          return ThroughputResult.mismatch(runner, timed.nanos(), timed.checksum(),
              String.format("expected %016x from loop", expected));
        }
        runs[i] = timed.nanos();
      }
      long jitPerRun = (TimedRuns.compileMillis() - jitBefore) / runs.length;
      return ThroughputResult.ok(runner, TimedRuns.median(runs), TimedRuns.median(loopRuns), jitPerRun, expected);
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
