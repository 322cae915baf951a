package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A CPU stage feeding a GPU stage on logical GPUs, on SluiceRunner, FlinkRunner and DirectRunner in
 * one run: completion time against the physical limit max(CPU work / cores, GPU work / GPUs), and
 * how busy the GPUs were (time the simulated devices spent on batches / (GPUs × wall time)).
 *
 * <p>Usage: {@code HeterogeneousBenchmark [--items=20000] [--cpuMicros=200] [--gpuMillis=8]
 * [--batchSize=64] [--gpus=1,2] [--runners=sluice,flink,direct] [--repeats=3]}. Every runner is
 * warmed up on a tenth of the items and then on three full-size runs first. Runners share this JVM
 * (the work is spinning and sleeping for fixed times). The JIT still compiles some per-run code
 * during the timed runs: 15-350 ms of a core per two-GPU Sluice run in an all-runner run, 20-1,070
 * ms with Sluice alone (2026-12-02), on the two cores the run uses.
 */
public final class HeterogeneousBenchmark {
  private static final int FULL_SIZE_WARM_UPS = 3;
  public static void main(String[] argv) throws Exception {
    long items = 20_000;
    long cpuMicros = 200;
    long gpuMillis = 8;
    int batchSize = 64;
    List<Integer> gpuCounts = List.of(1, 2);
    List<String> runners = List.of("sluice", "flink", "direct");
    int repeats = 3;
    List<String> pipelineArgs = new ArrayList<>();
    for (String arg : argv) {
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
      if (arg.startsWith("--items=")) {
        items = Long.parseLong(value);
      } else if (arg.startsWith("--cpuMicros=")) {
        cpuMicros = Long.parseLong(value);
      } else if (arg.startsWith("--gpuMillis=")) {
        gpuMillis = Long.parseLong(value);
      } else if (arg.startsWith("--batchSize=")) {
        batchSize = Integer.parseInt(value);
      } else if (arg.startsWith("--gpus=")) {
        gpuCounts = Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
      } else if (arg.startsWith("--runners=")) {
        runners = List.of(value.split(","));
      } else if (arg.startsWith("--repeats=")) {
        repeats = Integer.parseInt(value);
      } else {
        pipelineArgs.add(arg);
      }
    }
    boolean failed = false;
    List<String> report = new ArrayList<>();
    for (int gpus : gpuCounts) {
      HeterogeneousPipeline.Shape shape = new HeterogeneousPipeline.Shape(items, cpuMicros, gpuMillis, batchSize, gpus);
      double limit = shape.physicalLimitSeconds(Runners.CORES);
      report.add(String.format("%nHeterogeneous: %,d items, %d us CPU each on %d cores, %d ms per batch of %d on %d GPU(s)",
          items, cpuMicros, Runners.CORES, gpuMillis, batchSize, gpus));
      report.add(String.format("physical limit max(CPU %.3f s, GPU %.3f s) = %.3f s", items * cpuMicros / 1e6 / Runners.CORES,
          Math.ceil((double) items / batchSize) * gpuMillis / 1e3 / gpus, limit));
      report.add(String.format("%-8s %9s %9s %10s %9s %14s", "runner", "wall s", "x limit", "GPU busy", "batches",
          "late us/batch"));
      for (String runner : runners) {
        List<String> args = new ArrayList<>(pipelineArgs);
        args.add("--numGpus=" + gpus);
        if (Runners.optionsFor(runner, args).isEmpty()) {
          report.add(String.format("%-8s not available", runner));
          continue;
        }
        try {
          // Warm-up: a tenth of the items, then full-size runs. On 2 cores the JIT's compiler
          // threads otherwise take CPU from the timed runs for several runs (measured: 2 s of
          // compiler CPU in a first run, 0.2-0.5 s in each of the next four, ~0 after).
          HeterogeneousPipeline.Shape warmUp =
              new HeterogeneousPipeline.Shape(Math.max(batchSize, items / 10), cpuMicros, gpuMillis, batchSize, gpus);
          runOnce(runner, args, warmUp, "warm-up-" + runner + "-" + gpus);
          for (int w = 0; w < FULL_SIZE_WARM_UPS; w++) {
            runOnce(runner, args, shape, "full-size-warm-up-" + w + "-" + runner + "-" + gpus);
          }
          Measurement best = null;
          List<Measurement> runs = new ArrayList<>();
          for (int r = 0; r < repeats; r++) {
            runs.add(runOnce(runner, args, shape, runner + "-" + gpus + "-" + r));
          }
          runs.sort((a, b) -> Long.compare(a.nanos, b.nanos));
          best = runs.get(runs.size() / 2);
          double wall = best.nanos / 1e9;
          report.add(String.format("%-8s %9.3f %9.2f %9.1f%% %9d %14.1f", runner, wall, wall / limit,
              100.0 * best.busyNanos / 1e9 / (gpus * wall), best.batches, best.lateNanos / 1e3 / best.batches));
        } catch (RuntimeException e) {
          e.printStackTrace();
          report.add(String.format("%-8s FAILED: %s", runner, e));
          failed = true;
        }
      }
    }
    report.add("x limit = wall time / physical limit (1.00: no schedule could do better). "
        + "GPU busy = device time on batches / (GPUs x wall time). Late = how long a batch held its device past its "
        + "nominal time, on average. Median of " + repeats + " run(s) per runner.");
    report.forEach(System.out::println);
    if (failed) {
      System.exit(1);
    }
  }

  private record Measurement(long nanos, long busyNanos, long batches, long lateNanos) {}

  private static Measurement runOnce(String runner, List<String> args, HeterogeneousPipeline.Shape shape, String runId) {
    PipelineOptions options = Runners.optionsFor(runner, args).orElseThrow();
    System.out.printf("%s: %s (%,d items, %d GPU(s))%n", runner, runId, shape.items(), shape.gpus());
    TimedRuns.Timed run = TimedRuns.timeToDone(HeterogeneousPipeline.build(options, shape, runId));
    long started = run.startNanos();
    long nanos = run.nanos();
    OptionalLong count = InProcessResults.take(runId);
    SimulatedGpus devices = SimulatedGpus.take(runId);
    if (count.isEmpty() || count.getAsLong() != shape.items()) {
      throw new IllegalStateException(runner + " counted " + count + " items, expected " + shape.items());
    }
    System.out.printf("%s: %.3f s; first batch after %.0f ms, devices idle %.0f ms between batches, last batch "
            + "ended %.0f ms before the run did%n", runner, nanos / 1e9, (devices.firstBatchStart() - started) / 1e6,
        devices.idleBetweenBatchesNanos() / 1e6, (started + nanos - devices.lastBatchEnd()) / 1e6);
    return new Measurement(nanos, devices.busyNanos(), devices.batches(), devices.lateNanos());
  }
}
