package io.sluice.benchmarks;

import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Builds fresh, comparable {@link PipelineOptions} for each runner under test. */
final class Runners {

  static final String SLUICE_RUNNER_CLASS = "io.sluice.runner.SluiceRunner";

  static final int CORES = Runtime.getRuntime().availableProcessors();

  private Runners() {}

  /**
   * Options for one run of {@code runner} ("direct", "flink" or "sluice"), or empty when that runner
   * is not on the classpath. Each run gets new options because runners mutate them (job names,
   * staged files) and we do not want one run's leftovers to influence the next.
   */
  static Optional<PipelineOptions> optionsFor(String runner, List<String> pipelineArgs) {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(pipelineArgs.toArray(String[]::new)).create();
    switch (runner) {
      case "direct" -> options.setRunner(DirectRunner.class);
      case "flink" -> configureLocalFlink(options.as(FlinkPipelineOptions.class));
      case "sluice" -> {
        Optional<Class<? extends PipelineRunner<?>>> sluice = loadSluiceRunner();
        if (sluice.isEmpty()) {
          return Optional.empty();
        }
        options.setRunner(sluice.get());
      }
      default -> throw new IllegalArgumentException("Not a pipeline runner: " + runner);
    }
    return Optional.of(options);
  }

  private static void configureLocalFlink(FlinkPipelineOptions flink) {
    flink.setRunner(FlinkRunner.class);
    // "[local]" starts an embedded MiniCluster inside this JVM, which is what lets the pipeline
    // hand its checksum back through a static field (see InProcessResults).
    flink.setFlinkMaster("[local]");
    // Same number of workers as the hand-written loop, so the comparison is core-for-core.
    flink.setParallelism(CORES);
    // The input is bounded: translate to Flink's batch execution, not a streaming job.
    flink.setStreaming(false);
    // Pin the batch translation (DataSet API, Beam's default for Flink 1.19) so results do not
    // silently change meaning if Beam flips the default.
    flink.setUseDataStreamForBatch(false);
    // Skips a defensive deep copy between chained operators. Safe because the Beam model already
    // forbids DoFns from mutating their inputs, and FlinkRunner itself warns that it is needed for
    // maximum performance; we want to compare against Flink at its best, not its most cautious.
    flink.setFasterCopy(true);
  }

  /**
   * Loads SluiceRunner by name rather than by import, so this module compiles and still reports the
   * other runners while the runner module only ships a placeholder jar.
   */
  @SuppressWarnings("unchecked")
  static Optional<Class<? extends PipelineRunner<?>>> loadSluiceRunner() {
    try {
      Class<?> clazz = Class.forName(SLUICE_RUNNER_CLASS);
      if (!PipelineRunner.class.isAssignableFrom(clazz)) {
        throw new IllegalStateException(SLUICE_RUNNER_CLASS + " is not a PipelineRunner");
      }
      return Optional.of((Class<? extends PipelineRunner<?>>) clazz);
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }
}
