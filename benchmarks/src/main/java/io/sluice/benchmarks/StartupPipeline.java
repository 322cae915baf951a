package io.sluice.benchmarks;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TypeDescriptors;

/** A pipeline so small that its run time is almost entirely the runner's fixed cost. */
final class StartupPipeline {

  static final int ELEMENTS = 4;

  private StartupPipeline() {}

  static Pipeline build(PipelineOptions options, String runId) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Create", Create.of(1, 2, 3, 4))
        .apply("PlusOne", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x + 1))
        .apply("Count", ParDo.of(new CountFn(runId)));
    return pipeline;
  }

  /** Counts elements so we can tell a run that did nothing from one that was merely fast. */
  static final class CountFn extends DoFn<Integer, Void> {
    private final String runId;

    CountFn(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void processElement(@Element Integer ignored) {
      InProcessResults.add(runId, 1);
    }
  }
}
