package io.sluice.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * SluiceRunner for Beam's TestPipeline: waits for the run, and rethrows a failed assertion itself
 * (as JUnit expects) rather than wrapped in a PipelineExecutionException.
 */
public final class TestSluiceRunner extends PipelineRunner<SluicePipelineResult> {
  private final SluiceRunner delegate;

  private TestSluiceRunner(PipelineOptions options) {
    options.as(SluicePipelineOptions.class).setBlockOnRun(true);
    this.delegate = SluiceRunner.fromOptions(options);
  }

  public static TestSluiceRunner fromOptions(PipelineOptions options) {
    return new TestSluiceRunner(options);
  }

  @Override
  public SluicePipelineResult run(Pipeline pipeline) {
    try {
      return delegate.run(pipeline);
    } catch (Pipeline.PipelineExecutionException e) {
      if (e.getCause() instanceof AssertionError assertion) {
        throw assertion;
      }
      throw e;
    }
  }
}
