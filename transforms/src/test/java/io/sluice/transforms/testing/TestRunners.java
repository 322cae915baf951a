package io.sluice.transforms.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The runners every portable transform test runs on. This module's own build runs them on
 * DirectRunner and SluiceRunner; {@code integration-tests} runs the same test classes on
 * FlinkRunner by setting {@value #PROPERTY}. A test takes the runner as its parameter:
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @MethodSource(TestRunners.NAMES)
 * void doublesEveryElement(String runner) {
 *   Pipeline p = TestRunners.pipeline(runner);
 *   ...
 * }
 * }</pre>
 */
public final class TestRunners {
  /** Comma-separated runner names: {@code direct}, {@code sluice}, {@code flink}. */
  public static final String PROPERTY = "sluice.portable.runners";
  /** For {@code @MethodSource}. */
  public static final String NAMES = "io.sluice.transforms.testing.TestRunners#names";
  /** Tag of tests that check SluiceRunner-specific behaviour; other suites exclude it. */
  public static final String SLUICE_ONLY = "sluice-only";

  private TestRunners() {}

  public static Stream<String> names() {
    return Arrays.stream(System.getProperty(PROPERTY, "direct,sluice").split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty());
  }

  /** A pipeline on the named runner, two workers where the runner has a setting for it. */
  public static Pipeline pipeline(String runner, String... extraArgs) {
    List<String> args = new ArrayList<>();
    switch (runner) {
      case "direct" -> args.add("--runner=DirectRunner");
      case "sluice" -> args.addAll(List.of("--runner=SluiceRunner", "--parallelism=2"));
      case "flink" -> args.addAll(List.of("--runner=FlinkRunner", "--parallelism=2"));
      default -> throw new IllegalArgumentException(
          "Unknown runner '" + runner + "' in -D" + PROPERTY + ": use direct, sluice or flink");
    }
    args.addAll(Arrays.asList(extraArgs));
    return Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
  }

  /** The messages of a failure and all its causes, one per line: runners wrap user errors differently. */
  public static String causeMessages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      messages.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
