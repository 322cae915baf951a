package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A CPU stage feeding a GPU stage on logical GPUs, on SluiceRunner, FlinkRunner and DirectRunner in
 * one run: completion time against the physical limit max(CPU work / cores, GPU work / GPUs), and
 * how busy the GPUs were (time the simulated devices spent on batches / (GPUs × wall time)).
 *
 * <p>Usage: {@code HeterogeneousBenchmark [--items=20000] [--cpuMicros=200] [--cases=1x8,2x8,2x16]
 * [--batchSize=64] [--runners=sluice,flink,direct] [--repeats=3] [--warmUpSeconds=45]}, where a case is GPUs x
 * milliseconds per batch; {@code --gpus=1,2 --gpuMillis=8} runs each GPU count at that time instead.
 * The default cases are the one-GPU shape, the same work on two GPUs (CPU-bound: the devices
 * can be busy at most 63% of it) and two GPUs each carrying the one-GPU shape's load per device
 * (GPU-bound, so that "every GPU busy" can be measured with two). Every runner is warmed up on a
 * tenth of the items and then on full-size runs for {@code --warmUpSeconds} (default {@value
 * #DEFAULT_WARM_UP_SECONDS}, at least {@value #MIN_FULL_SIZE_WARM_UPS} runs), as JMH warms up for a
 * time. Runners share this JVM (the work is spinning and sleeping for fixed times). Each timed run's
 * JIT time is printed beside it: Sluice's two-GPU runs went on compiling 150-820 ms per run in runs
 * 3-9, 50-170 ms in runs 10-17 and 25-280 ms (median 55) in runs 18-29, on the two cores the run
 * uses, and took 2.06-2.14 s (median 2.074) from run 18 on against 2.13-2.33 s in runs 3-9
 * (2026-12-07).
 */
public final class HeterogeneousBenchmark {
  private static final int MIN_FULL_SIZE_WARM_UPS = 3;
  private static final long DEFAULT_WARM_UP_SECONDS = 45;

  /** One configuration: how many logical GPUs, and how long a batch holds one. */
  private record Case(int gpus, long gpuMillis) {
    static Case parse(String text) {
      String[] parts = text.split("x");
      if (parts.length != 2) {
        throw new IllegalArgumentException("--cases takes GPUsxMillis, for example 2x16; got " + text);
      }
      return new Case(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
    }

    /** As {@code --cases} writes it: 2x16. */
    @Override
    public String toString() {
      return gpus + "x" + gpuMillis;
    }
  }

  public static void main(String[] argv) throws Exception {
    long items = 20_000;
    long cpuMicros = 200;
    List<Case> cases = List.of(new Case(1, 8), new Case(2, 8), new Case(2, 16));
    Long gpuMillisArg = null;
    List<Integer> gpuCounts = null;
    int batchSize = 64;
    List<String> runners = List.of("sluice", "flink", "direct");
    int repeats = 3;
    long warmUpSeconds = DEFAULT_WARM_UP_SECONDS;
    List<String> pipelineArgs = new ArrayList<>();
    for (String arg : argv) {
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
      if (arg.startsWith("--items=")) {
        items = Long.parseLong(value);
      } else if (arg.startsWith("--cpuMicros=")) {
        cpuMicros = Long.parseLong(value);
      } else if (arg.startsWith("--gpuMillis=")) {
        gpuMillisArg = Long.parseLong(value);
      } else if (arg.startsWith("--batchSize=")) {
        batchSize = Integer.parseInt(value);
      } else if (arg.startsWith("--gpus=")) {
        gpuCounts = Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
      } else if (arg.startsWith("--cases=")) {
        cases = Arrays.stream(value.split(",")).map(Case::parse).toList();
      } else if (arg.startsWith("--runners=")) {
        runners = List.of(value.split(","));
      } else if (arg.startsWith("--repeats=")) {
        repeats = Integer.parseInt(value);
      } else if (arg.startsWith("--warmUpSeconds=")) {
        warmUpSeconds = Long.parseLong(value);
      } else {
        pipelineArgs.add(arg);
      }
    }
    if (gpuCounts != null || gpuMillisArg != null) {
      long millis = gpuMillisArg == null ? 8 : gpuMillisArg;
      cases = (gpuCounts == null ? List.of(1, 2) : gpuCounts).stream().map(g -> new Case(g, millis)).toList();
    }
    boolean failed = false;
    List<String> report = new ArrayList<>();
    for (Case benchCase : cases) {
      int gpus = benchCase.gpus();
      long gpuMillis = benchCase.gpuMillis();
      HeterogeneousPipeline.Shape shape = new HeterogeneousPipeline.Shape(items, cpuMicros, gpuMillis, batchSize, gpus);
      double limit = shape.physicalLimitSeconds(Runners.CORES);
      report.add(String.format("%nHeterogeneous: %,d items, %d us CPU each on %d cores, %d ms per batch of %d on %d GPU(s)",
          items, cpuMicros, Runners.CORES, gpuMillis, batchSize, gpus));
      double gpuLimit = shape.gpuSeconds();
      report.add(String.format("physical limit max(CPU %.3f s, GPU %.3f s) = %.3f s", shape.cpuSeconds(Runners.CORES),
          gpuLimit, limit));
      // Measured next to this device count's runs: how often the VM pauses a core drifts.
      double cpuFloor = SpinFloor.seconds(items, cpuMicros, Runners.CORES, HeterogeneousPipeline.SpinFn::spin);
      double floor = Math.max(cpuFloor, gpuLimit);
      report.add(String.format("floor max(the CPU stage's spins alone on %d threads %.3f s, GPU %.3f s) = %.3f s",
          Runners.CORES, cpuFloor, gpuLimit, floor));
      report.add(String.format("%-8s %9s %9s %9s %10s %9s %14s %8s", "runner", "wall s", "x limit", "x floor",
          "GPU busy", "batches", "late us/batch", "JIT ms"));
      for (String runner : runners) {
        List<String> args = new ArrayList<>(pipelineArgs);
        args.add("--numGpus=" + gpus);
        if (Runners.optionsFor(runner, args).isEmpty()) {
          report.add(String.format("%-8s not available", runner));
          continue;
        }
        try {
          // Warm-up: a tenth of the items, then full-size runs for a while. On 2 cores the JIT's
          // compiler threads otherwise take CPU from the timed runs (measured: 2 s of compiler CPU
          // in a first run, 0.2-0.8 s in each of the next several).
          HeterogeneousPipeline.Shape warmUp =
              new HeterogeneousPipeline.Shape(Math.max(batchSize, items / 10), cpuMicros, gpuMillis, batchSize, gpus);
          runOnce(runner, args, warmUp, "warm-up-" + runner + "-" + benchCase);
          int fullSizeWarmUps = TimedRuns.warmUpFor(
              w -> runOnce(runner, args, shape, "full-size-warm-up-" + w + "-" + runner + "-" + benchCase),
              MIN_FULL_SIZE_WARM_UPS, TimeUnit.SECONDS.toNanos(warmUpSeconds));
          System.out.printf("%s: warmed up with %d full-size runs%n", runner, fullSizeWarmUps);
          Measurement best = null;
          List<Measurement> runs = new ArrayList<>();
          for (int r = 0; r < repeats; r++) {
            runs.add(runOnce(runner, args, shape, runner + "-" + benchCase + "-" + r));
          }
          runs.sort((a, b) -> Long.compare(a.nanos, b.nanos));
          best = runs.get(runs.size() / 2);
          double wall = best.nanos / 1e9;
          report.add(String.format("%-8s %9.3f %9.3f %9.3f %9.1f%% %9d %14.1f %8d", runner, wall, wall / limit,
              wall / floor, 100.0 * best.busyNanos / 1e9 / (gpus * wall), best.batches, best.lateNanos / 1e3 / best.batches,
              best.compileMillis));
        } catch (RuntimeException e) {
          e.printStackTrace();
          report.add(String.format("%-8s FAILED: %s", runner, e));
          failed = true;
        }
      }
    }
    report.add("x limit = wall time / physical limit (1.00: no schedule could do better). x floor = wall time / "
        + "floor, where the CPU work is what its spins took on this machine with no framework (see SpinFloor). "
        + "GPU busy = device time on batches / (GPUs x wall time). Late = how long a batch held its device past its "
        + "nominal time, on average. JIT ms = time the JIT compilers spent during that run (on the same cores). "
        + "Median of " + repeats + " run(s) per runner.");
    report.forEach(System.out::println);
    if (failed) {
      System.exit(1);
    }
  }

  private record Measurement(long nanos, long busyNanos, long batches, long lateNanos, long compileMillis) {}

  private static Measurement runOnce(String runner, List<String> args, HeterogeneousPipeline.Shape shape, String runId) {
    PipelineOptions options = Runners.optionsFor(runner, args).orElseThrow();
    System.out.printf("%s: %s (%,d items, %d GPU(s))%n", runner, runId, shape.items(), shape.gpus());
    long compiledBefore = TimedRuns.compileMillis();
    TimedRuns.Timed run = TimedRuns.timeToDone(HeterogeneousPipeline.build(options, shape, runId));
    long compiled = TimedRuns.compileMillis() - compiledBefore;
    long started = run.startNanos();
    long nanos = run.nanos();
    OptionalLong count = InProcessResults.take(runId);
    SimulatedGpus devices = SimulatedGpus.take(runId);
    if (count.isEmpty() || count.getAsLong() != shape.items()) {
      throw new IllegalStateException(runner + " counted " + count + " items, expected " + shape.items());
    }
    System.out.printf("%s: %.3f s; first batch after %.0f ms, devices idle %.0f ms between batches, last batch "
            + "ended %.0f ms before the run did; JIT compiled for %d ms%n", runner, nanos / 1e9,
        (devices.firstBatchStart() - started) / 1e6, devices.idleBetweenBatchesNanos() / 1e6,
        (started + nanos - devices.lastBatchEnd()) / 1e6, compiled);
    return new Measurement(nanos, devices.busyNanos(), devices.batches(), devices.lateNanos(), compiled);
  }
}
