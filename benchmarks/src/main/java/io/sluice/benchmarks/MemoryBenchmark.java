package io.sluice.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A 4x expansion feeding a slow consumer, the intermediate data several times the heap: run on
 * SluiceRunner, FlinkRunner and DirectRunner, each in a JVM of its own with the given heap, plus
 * SluiceRunner with a large heap for comparison, and the same work hand-written with no framework
 * ({@code loop}: each record expanded and consumed at once, on all cores), which shows how near the
 * limit the work itself comes here. Prints wall time against the physical limit (consumer work /
 * cores), the peak heap kept alive (largest occupancy after a collection), and whether the run ran
 * out of memory.
 *
 * <p>Usage: {@code MemoryBenchmark [--records=500000] [--consumeMicros=20] [--heap=512m]
 * [--largeHeap=8g] [--runners=loop,sluice,flink,direct] [--repeats=3] [--warmUpSeconds=15] [--scale=10]
 * [--timeoutSeconds=600]}. Each row's time is the median of {@code --repeats} timed runs in its
 * JVM, after warm-ups on a tenth of the records for {@code --warmUpSeconds} (at least {@value
 * #MIN_WARM_UPS} runs). One 20 s run swung by up to 3% here, with the JIT compiling 0.2-1.1 s of a
 * runner's rarely called code (once per bundle or scheduling turn) in whichever run took those
 * methods past the C2 thresholds. Longer warm-ups did not help: after 45 s (17 runs) as after 12 s
 * (6), SluiceRunner's first two timed runs compiled 630-1,100 ms each and the third 140-240 ms,
 * with the same medians (2026-12-07). With {@code
 * --scale=K} SluiceRunner also runs K times the records at the same heap, timed once: that row is
 * there for its peak heap.
 */
public final class MemoryBenchmark {
  private static final String IN_PROCESS = "--inProcess";
  private static final String RESULT = "RESULT ";
  private static final int MIN_WARM_UPS = 2;

  private record Config(String runner, String heap, long records, int repeats) {}

  private record Outcome(Config config, String status, double seconds, long peakAfterGcBytes, long peakLiveBytes,
      long compileMillis, String runs) {}

  public static void main(String[] argv) throws Exception {
    Arguments args = Arguments.parse(argv);
    if (Arrays.asList(argv).contains(IN_PROCESS)) {
      runInProcess(args);
      return;
    }
    List<Config> configs = new ArrayList<>();
    for (String runner : args.runners) {
      configs.add(new Config(runner, args.heap, args.records, args.repeats));
    }
    if (args.runners.contains("sluice")) {
      configs.add(new Config("sluice", args.largeHeap, args.records, args.repeats));
      if (args.scale > 1) {
        configs.add(new Config("sluice", args.heap, args.records * args.scale, 1));
      }
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Config config : configs) {
      outcomes.add(inOwnJvm(config, args));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    MemoryPipeline.Shape shape = args.shape(args.records);
    double floor = SpinFloor.seconds(shape.records() * shape.fanOut(), shape.consumeMicros(), cores,
        MemoryPipeline.ConsumeFn::spin);
    System.out.printf("%nMemory: %,d records of %d B, each expanded %dx to %d B (%.1f GiB in all); consumer %d us per "
            + "expanded record on %d cores%n", args.records, args.recordBytes, args.fanOut, args.expandedBytes,
        shape.expandedTotalBytes() / (double) (1L << 30), args.consumeMicros, cores);
    System.out.printf("the consumer's spins alone, no framework, on %d threads: %.3f s (%.3f x their nominal time)%n",
        cores, floor, floor / shape.physicalLimitSeconds(cores));
    System.out.printf("%-8s %6s %11s %9s %9s %8s %8s %15s %15s %7s  %s%n", "runner", "heap", "records", "wall s",
        "limit s", "x limit", "x floor", "after GC, MiB", "live, MiB", "JIT ms", "status");
    for (Outcome o : outcomes) {
      double limit = args.shape(o.config.records).physicalLimitSeconds(cores);
      double scaledFloor = floor * o.config.records / shape.records();
      System.out.printf("%-8s %6s %,11d %9s %9.3f %8s %8s %15.1f %15.1f %7d  %s%n", o.config.runner, o.config.heap,
          o.config.records, ifFinished(o, o.seconds), limit, ifFinished(o, o.seconds / limit),
          ifFinished(o, o.seconds / scaledFloor), o.peakAfterGcBytes / (double) (1 << 20),
          o.peakLiveBytes / (double) (1 << 20), o.compileMillis, o.status);
    }
    for (Outcome o : outcomes) {
      if (o.runs != null) {
        System.out.printf("%s -Xmx%s, %,d records, each timed run (s / JIT ms): %s%n", o.config.runner, o.config.heap,
            o.config.records, o.runs);
      }
    }
    System.out.println("wall s = the median of the row's timed runs. x limit = wall time / (consumer work / "
        + "cores). x floor = wall time / what the consumer's spins took alone (scaled to the row's records; see "
        + "SpinFloor). After GC = largest heap occupancy right after any collection in the timed runs (with G1 it "
        + "includes old-generation garbage not yet reclaimed). Live = largest heap surviving a full collection forced "
        + "every 250 ms in a further, untimed run of the same size. "
        + "JIT ms = time the JIT compilers spent during the median run, on the same cores. Each row ran in its own JVM "
        + "with -Xmx as listed, after " + args.warmUpSeconds + " s of warm-ups on a tenth of the records (at least "
        + MIN_WARM_UPS + " runs).");
  }

  /** {@code value} to three decimals, or "-" for a run that did not finish (it has no time). */
  private static String ifFinished(Outcome outcome, double value) {
    return outcome.seconds > 0 ? String.format("%.3f", value) : "-";
  }

  private static Outcome inOwnJvm(Config config, Arguments args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + config.heap);
    // Runners settle with a full collection before the timed run; G1 then gave memory back and took
    // it again during the run, page by page (0.36 s of system time in a 9 s run of 200,000 records
    // here). The heap may still grow; it no longer shrinks. (A fixed -Xms8g was worse: this VM's
    // kernel reclaims cold pages, and the 8g row spent 19 s in page faults.)
    command.add("-XX:MaxHeapFreeRatio=100");
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-Xmx")) {
        command.add(flag);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryBenchmark.class.getName(), IN_PROCESS,
        "--runner=" + config.runner, "--records=" + config.records, "--consumeMicros=" + args.consumeMicros,
        "--repeats=" + config.repeats, "--warmUpSeconds=" + args.warmUpSeconds));
    command.addAll(args.pipelineArgs);
    System.out.println("running " + config.runner + " with -Xmx" + config.heap + ", " + config.records + " records");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    Outcome outcome = null;
    boolean outOfMemory = false;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.timeoutSeconds);
      Thread killer = new Thread(() -> {
        try {
          if (!child.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            child.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      killer.setDaemon(true);
      killer.start();
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          String[] f = line.substring(RESULT.length()).split(" ");
          outcome = new Outcome(config, f[0], Long.parseLong(f[1]) / 1e9, Long.parseLong(f[2]), Long.parseLong(f[3]),
              Long.parseLong(f[4]), f.length > 5 ? f[5].replace(",", ", ") : null);
        } else if (!line.contains(" WARN ") && !line.startsWith("\tat ")) {
          outOfMemory |= line.contains("OutOfMemoryError");
          System.out.println("  [" + config.runner + " -Xmx" + config.heap + "] " + line);
        }
      }
    }
    int exit = child.waitFor();
    if (outcome == null) {
      String status = outOfMemory ? "OutOfMemoryError (JVM exited with " + exit + ")"
          : exit == 137 || exit == 9 ? "TIMEOUT (killed after " + args.timeoutSeconds + " s)"
          : "FAILED (JVM exited with " + exit + ")";
      outcome = new Outcome(config, status, -1, 0, 0, 0, null);
    }
    return outcome;
  }

  private static void runInProcess(Arguments args) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      MemoryPipeline.Shape warmUp = args.shape(Math.max(1, args.records / 10));
      int runs = TimedRuns.warmUpFor(w -> {
        // Watched like the timed run: its GC notifications build JMX data whose code must be warm too.
        try (HeapWatch watch = new HeapWatch()) {
          runOnce(args, warmUp, cores, "warm-up-" + w);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, MIN_WARM_UPS, TimeUnit.SECONDS.toNanos(args.warmUpSeconds));
      System.out.println("warmed up with " + runs + " runs of " + warmUp.records() + " records");
      MemoryPipeline.Shape shape = args.shape(args.records);
      long[] nanos = new long[args.repeats];
      long[] compiled = new long[args.repeats];
      long afterGc = 0;
      for (int r = 0; r < args.repeats; r++) {
        try (HeapWatch heap = new HeapWatch()) {
          long compiledBefore = TimedRuns.compileMillis();
          nanos[r] = runOnce(args, shape, cores, "timed-" + r);
          compiled[r] = TimedRuns.compileMillis() - compiledBefore;
          afterGc = Math.max(afterGc, heap.peakAfterGcBytes());
        }
        System.out.printf("timed run %d of %d: %.3f s, JIT compiled for %d ms%n", r + 1, args.repeats,
            TimedRuns.seconds(nanos[r]), compiled[r]);
      }
      int median = medianIndex(nanos);
      // Untimed: the same run again, with a full collection forced every 250 ms to see what lives.
      long live;
      try (HeapWatch heap = new HeapWatch(250)) {
        runOnce(args, shape, cores, "probed");
        live = heap.peakLiveBytes();
      }
      StringJoiner timedRuns = new StringJoiner(",");
      for (int r = 0; r < args.repeats; r++) {
        timedRuns.add(String.format(Locale.ROOT, "%.3f/%d", TimedRuns.seconds(nanos[r]), compiled[r]));
      }
      System.out.println(
          RESULT + "OK " + nanos[median] + " " + afterGc + " " + live + " " + compiled[median] + " " + timedRuns);
    } catch (Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof OutOfMemoryError) {
          System.out.println(RESULT + "OutOfMemoryError 0 0 0 0");
          System.exit(0);
        }
      }
      t.printStackTrace();
      System.out.println(RESULT + "FAILED:" + t.getClass().getSimpleName() + " 0 0 0 0");
    }
    System.exit(0);
  }

  /** Which of the runs took the median time (the upper one of an even count, as TimedRuns.median). */
  private static int medianIndex(long[] nanos) {
    long median = TimedRuns.median(nanos);
    for (int i = 0; i < nanos.length; i++) {
      if (nanos[i] == median) {
        return i;
      }
    }
    throw new AssertionError("the median is one of the values");
  }

  private static long runOnce(Arguments args, MemoryPipeline.Shape shape, int cores, String runId)
      throws InterruptedException {
    long nanos;
    OptionalLong checksum;
    if (args.runner.equals("loop")) {
      long start = System.nanoTime();
      checksum = OptionalLong.of(MemoryPipeline.handWrittenLoop(shape, cores));
      nanos = System.nanoTime() - start;
    } else {
      PipelineOptions options = Runners.optionsFor(args.runner, args.pipelineArgs).orElseThrow(
          () -> new IllegalStateException(args.runner + " is not available"));
      nanos = TimedRuns.runToDone(MemoryPipeline.build(options, shape, cores, runId));
      checksum = InProcessResults.take(runId);
    }
    if (checksum.isEmpty() || checksum.getAsLong() != shape.expectedChecksum()) {
      throw new IllegalStateException(args.runner + " finished with checksum " + checksum
          + ", expected " + shape.expectedChecksum());
    }
    return nanos;
  }


  private static final class Arguments {
    long records = 500_000;
    int recordBytes = 1024;
    int fanOut = 4;
    int expandedBytes = 4096;
    long consumeMicros = 20;
    String heap = "512m";
    String largeHeap = "8g";
    List<String> runners = List.of("loop", "sluice", "flink", "direct");
    String runner;
    int scale = 1;
    int repeats = 3;
    long warmUpSeconds = 15;
    long timeoutSeconds = 600;
    List<String> pipelineArgs = new ArrayList<>();

    MemoryPipeline.Shape shape(long records) {
      return new MemoryPipeline.Shape(records, recordBytes, fanOut, expandedBytes, consumeMicros);
    }

    static Arguments parse(String[] argv) {
      Arguments a = new Arguments();
      for (String arg : argv) {
        String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
        if (arg.equals(IN_PROCESS)) {
          continue;
        } else if (arg.startsWith("--records=")) {
          a.records = Long.parseLong(value);
        } else if (arg.startsWith("--consumeMicros=")) {
          a.consumeMicros = Long.parseLong(value);
        } else if (arg.startsWith("--heap=")) {
          a.heap = value;
        } else if (arg.startsWith("--largeHeap=")) {
          a.largeHeap = value;
        } else if (arg.startsWith("--runners=")) {
          a.runners = List.of(value.split(","));
        } else if (arg.startsWith("--runner=")) {
          a.runner = value;
        } else if (arg.startsWith("--scale=")) {
          a.scale = Integer.parseInt(value);
        } else if (arg.startsWith("--repeats=")) {
          a.repeats = Integer.parseInt(value);
          if (a.repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, got " + value);
          }
        } else if (arg.startsWith("--warmUpSeconds=")) {
          a.warmUpSeconds = Long.parseLong(value);
        } else if (arg.startsWith("--timeoutSeconds=")) {
          a.timeoutSeconds = Long.parseLong(value);
        } else {
          a.pipelineArgs.add(arg);
        }
      }
      return a;
    }
  }
}
