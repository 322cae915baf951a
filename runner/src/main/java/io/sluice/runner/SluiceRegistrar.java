package io.sluice.runner;

import com.google.auto.service.AutoService;
import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/** Makes {@code --runner=SluiceRunner} (and TestSluiceRunner) and Sluice's options known to Beam. */
public final class SluiceRegistrar {
  private SluiceRegistrar() {}

  @AutoService(PipelineRunnerRegistrar.class)
  public static final class Runner implements PipelineRunnerRegistrar {
    public Runner() {
      // Beam creates registrars as soon as PipelineOptionsFactory is first used (see WarmUp).
      WarmUp.startOnce();
    }

    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return List.of(SluiceRunner.class, TestSluiceRunner.class);
    }
  }

  @AutoService(PipelineOptionsRegistrar.class)
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return List.of(SluicePipelineOptions.class);
    }
  }
}
