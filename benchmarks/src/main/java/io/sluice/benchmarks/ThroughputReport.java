package io.sluice.benchmarks;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Prints the throughput results as a table plus Sluice's head-to-head ratios. */
final class ThroughputReport {

  private ThroughputReport() {}

  static void print(PrintStream out, long records, List<ThroughputResult> results) {
    out.printf("%nThroughput: N=%,d records, %d cores%n", records, Runners.CORES);
    out.printf("%-8s %10s %14s %9s %13s %9s  %s%n", "runner", "median s", "records/s", "x loop", "x loop (same", "JIT ms", "checksum");
    out.printf("%-8s %10s %14s %9s %13s %9s%n", "", "", "", "", "JVM, interl.)", "per run");
    OptionalDouble loop = secondsOf(results, "loop");
    for (ThroughputResult r : results) {
      if (r.status() == ThroughputResult.Status.NOT_AVAILABLE) {
        out.printf("%-8s %s%n", r.runner(), "not available");
        continue;
      }
      if (r.status() == ThroughputResult.Status.FAILED) {
        out.printf("%-8s FAILED: %s%n", r.runner(), r.detail());
        continue;
      }
      double s = r.seconds().orElse(TimedRuns.seconds(r.nanos()));
      out.printf(
          "%-8s %10.3f %,14.0f %9s %13s %9d  %016x%s%n",
          r.runner(),
          s,
          records / s,
          loop.isPresent() ? String.format("%.2f", s / loop.getAsDouble()) : "n/a",
          r.loopNanos() > 0 ? String.format("%.2f", r.nanos() / (double) r.loopNanos()) : "n/a",
          r.jitMillisPerRun(),
          r.checksum(),
          r.status() == ThroughputResult.Status.OK ? "" : "  MISMATCH: " + r.detail());
    }
    printRatio(out, results, "flink");
    printRatio(out, results, "direct");
    out.println(
        "x loop = runner wall time / hand-written loop wall time (1.00 = no framework overhead), the loop timed"
            + " in a JVM of its own; x loop (same JVM, interl.) = the same ratio with the loop timed again in the"
            + " runner's JVM, before each of the runner's timed runs; JIT ms per run = time the runner's JVM spent"
            + " compiling during the timed runs (loop included), per timed run.");
  }

  private static void printRatio(PrintStream out, List<ThroughputResult> results, String other) {
    OptionalDouble sluice = secondsOf(results, "sluice");
    OptionalDouble baseline = secondsOf(results, other);
    if (sluice.isPresent() && baseline.isPresent()) {
      double ratio = sluice.getAsDouble() / baseline.getAsDouble();
      out.printf(
          "Sluice vs %-6s: %.2fx the wall time (%s)%n",
          other, ratio, ratio < 1 ? String.format("%.2fx faster", 1 / ratio) : "not faster");
    }
  }

  private static OptionalDouble secondsOf(List<ThroughputResult> results, String runner) {
    Optional<ThroughputResult> match =
        results.stream().filter(r -> r.runner().equals(runner)).findFirst();
    return match.isPresent() ? match.get().seconds() : OptionalDouble.empty();
  }
}
