package io.sluice.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line arguments shared by both benchmark mains.
 *
 * <p>{@code --records}, {@code --runners} and {@code --repeats} belong to the benchmark; every other
 * argument is handed unchanged to each runner's {@code PipelineOptions}, so runner-specific tuning
 * (for example {@code --targetParallelism=4} for the DirectRunner) needs no code change here.
 */
record BenchmarkArgs(long records, List<String> runners, int repeats, List<String> pipelineArgs) {

  static final List<String> ALL_RUNNERS = List.of("direct", "flink", "sluice", "loop");

  static BenchmarkArgs parse(String[] args, long defaultRecords, int defaultRepeats) {
    long records = defaultRecords;
    List<String> runners = ALL_RUNNERS;
    int repeats = defaultRepeats;
    List<String> pipelineArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--records=")) {
        records = Long.parseLong(valueOf(arg).replace("_", ""));
      } else if (arg.startsWith("--runners=")) {
        runners = parseRunners(valueOf(arg));
      } else if (arg.startsWith("--repeats=")) {
        repeats = Integer.parseInt(valueOf(arg));
      } else {
        pipelineArgs.add(arg);
      }
    }
    if (records < 1 || repeats < 1) {
      throw new IllegalArgumentException("--records and --repeats must be positive");
    }
    return new BenchmarkArgs(records, runners, repeats, List.copyOf(pipelineArgs));
  }

  boolean wants(String runner) {
    return runners.contains(runner);
  }

  private static List<String> parseRunners(String csv) {
    List<String> runners =
        Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String runner : runners) {
      if (!ALL_RUNNERS.contains(runner)) {
        throw new IllegalArgumentException(
            "Unknown runner '" + runner + "'; expected a subset of " + ALL_RUNNERS);
      }
    }
    return runners;
  }

  private static String valueOf(String arg) {
    return arg.substring(arg.indexOf('=') + 1);
  }
}
