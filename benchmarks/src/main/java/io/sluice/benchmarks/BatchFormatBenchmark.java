package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * MapBatches over Arrow batches against a plain ParDo doing the same per-row work (and MapBatches
 * over {@code List<Row>}), all on SluiceRunner, in one JVM: rows/s for each, for one step and for a
 * chain of two of the same form (Arrow batches then pass between the steps as they are; the Arrow
 * chain runs once more with {@code --columnarHandoff=false}, making rows between them as other
 * runners do). A run without the
 * scoring step measures what generating and checksumming the rows costs, so the table also shows
 * the scoring step's own rate: rows / (wall − that baseline).
 *
 * <p>Usage: {@code BatchFormatBenchmark [--records=N] [--repeats=K] [--anyPipelineOption=value ...]}.
 * Two untimed rounds, then K timed rounds, each running every form once in turn; the median per
 * form is reported. Exits non-zero if any form's checksum differs from the one computed here
 * without Beam.
 */
public final class BatchFormatBenchmark {
  private static final long DEFAULT_ROWS = 2_000_000L;
  private static final int WARM_UPS = 2;

  private BatchFormatBenchmark() {}

  public static void main(String[] argv) {
    BenchmarkArgs args = BenchmarkArgs.parse(argv, DEFAULT_ROWS, 5);
    long rows = args.records();
    List<String> report = new ArrayList<>();
    report.add(String.format("%nBatch formats on SluiceRunner: %,d rows (id, a, b) -> score = 2a + b^2, batches of %d, "
        + "%d cores", rows, BatchFormatPipeline.BATCH_SIZE, Runners.CORES));
    report.add(String.format("%-36s %9s %14s %18s", "form", "wall s", "rows/s", "steps' rows/s"));
    // Rounds of every form in turn, so that drift in the machine's speed (other load, the JIT)
    // falls on all forms alike; the first WARM_UPS rounds are not timed.
    BatchFormatPipeline.Form[] forms = BatchFormatPipeline.Form.values();
    long[][] nanos = new long[forms.length][args.repeats()];
    long[] expected = new long[forms.length];
    for (BatchFormatPipeline.Form form : forms) {
      expected[form.ordinal()] = BatchFormatPipeline.expectedChecksum(rows, form);
    }
    int run = 0;
    try {
      for (int round = 0; round < WARM_UPS + args.repeats(); round++) {
        for (BatchFormatPipeline.Form form : forms) {
          String runId = "batch-format-" + (++run);
          List<String> runnerArgs = new ArrayList<>(args.pipelineArgs());
          runnerArgs.addAll(form.runnerArgs());
          PipelineOptions options = Runners.optionsFor("sluice", runnerArgs).orElseThrow();
          long took = TimedRuns.runToDone(BatchFormatPipeline.build(options, rows, form, runId));
          OptionalLong checksum = InProcessResults.take(runId);
          long want = expected[form.ordinal()];
          if (checksum.isEmpty() || checksum.getAsLong() != want) {
            throw new IllegalStateException(form + ": checksum " + checksum + ", expected " + want);
          }
          if (round >= WARM_UPS) {
            nanos[form.ordinal()][round - WARM_UPS] = took;
          }
        }
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      report.add("FAILED: " + e.getMessage());
      report.forEach(System.out::println);
      System.exit(1);
    }
    double baseline = TimedRuns.seconds(TimedRuns.median(nanos[BatchFormatPipeline.Form.NONE.ordinal()]));
    for (BatchFormatPipeline.Form form : forms) {
      double wall = TimedRuns.seconds(TimedRuns.median(nanos[form.ordinal()]));
      double own = wall - baseline;
      String ownRate = form == BatchFormatPipeline.Form.NONE ? "-"
          : own > 0 ? String.format("%,.0f", rows / own) : "below noise";
      report.add(String.format("%-36s %9.3f %,14.0f %18s", describe(form), wall, rows / wall, ownRate));
    }
    report.add("Median of " + args.repeats() + " rounds, each running every form in turn. "
        + "steps' rows/s = rows / (wall - baseline wall): the scoring step, or both steps of a chain.");
    report.forEach(System.out::println);
  }

  private static String describe(BatchFormatPipeline.Form form) {
    return switch (form) {
      case NONE -> "baseline (no scoring)";
      case PARDO -> "ParDo, row by row";
      case LIST_OF_ROWS -> "MapBatches, List<Row>";
      case ARROW -> "MapBatches, Arrow";
      case PARDO_CHAIN -> "2 ParDos, row by row";
      case LIST_OF_ROWS_CHAIN -> "2 MapBatches, List<Row>";
      case ARROW_CHAIN -> "2 MapBatches, Arrow";
      case ARROW_CHAIN_VIA_ROWS -> "2 MapBatches, Arrow, rows between";
    };
  }
}
