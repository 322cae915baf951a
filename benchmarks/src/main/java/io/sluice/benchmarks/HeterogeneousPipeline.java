package io.sluice.benchmarks;

import io.sluice.runner.BatchSizeHint;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;

/**
 * A CPU stage (spins {@code cpuMicros} per item: decode, tokenize) feeding a GPU stage (a UDF
 * holding one logical GPU, {@code gpuMillis} per batch of {@code batchSize}), then a count.
 */
final class HeterogeneousPipeline {
  record Shape(long items, long cpuMicros, long gpuMillisPerBatch, int batchSize, int gpus) {
    /** max(CPU work / cores, GPU work / GPUs): no schedule can finish sooner. */
    double physicalLimitSeconds(int cores) {
      double cpu = items * cpuMicros / 1e6 / cores;
      double gpu = Math.ceil((double) items / batchSize) * gpuMillisPerBatch / 1e3 / gpus;
      return Math.max(cpu, gpu);
    }
  }

  private HeterogeneousPipeline() {}

  static Pipeline build(PipelineOptions options, Shape shape, String runId) {
    SimulatedGpus.forRun(runId, shape.gpus());
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Generate", GenerateSequence.from(0).to(shape.items()))
        .apply("Decode", ParDo.of(new SpinFn(shape.cpuMicros())))
        .apply("Infer", ParDo.of(new SimulatedInferenceFn(runId, shape.gpus(), shape.batchSize(), shape.gpuMillisPerBatch()))
            .setResourceHints(BatchSizeHint.add(
                ResourceHints.create().withAccelerator("type:simulated;count:1"), BatchSizeHint.of(shape.batchSize()))))
        .apply("Count", Count.globally())
        .apply("Publish", ParDo.of(new InProcessResults.PublishFn(runId)));
    return pipeline;
  }

  /** Burns {@code micros} of CPU per element. */
  static final class SpinFn extends DoFn<Long, Long> {
    private final long micros;

    SpinFn(long micros) {
      this.micros = micros;
    }

    @ProcessElement
    public void process(@Element Long item, OutputReceiver<Long> out) {
      long end = System.nanoTime() + micros * 1_000;
      long spins = 0;
      while (System.nanoTime() < end) {
        spins++;
      }
      out.output(item + (spins & 0)); // uses spins so the loop is not removed
    }
  }

  /**
   * Batches elements and runs each batch on its device, as a model's UDF would; a bundle's last
   * batch is flushed when the bundle ends (Beam's rule), so the runner's bundle sizes decide how
   * many short batches there are.
   */
  static final class SimulatedInferenceFn extends DoFn<Long, Long> {
    private final String runId;
    private final int gpus;
    private final int batchSize;
    private final long millisPerBatch;
    private transient SimulatedGpus devices;
    private transient int device;
    private transient List<Long> batch;

    SimulatedInferenceFn(String runId, int gpus, int batchSize, long millisPerBatch) {
      this.runId = runId;
      this.gpus = gpus;
      this.batchSize = batchSize;
      this.millisPerBatch = millisPerBatch;
    }

    @Setup
    public void setup() {
      devices = SimulatedGpus.forRun(runId, gpus);
      device = devices.deviceForNewInstance();
      batch = new ArrayList<>(batchSize);
    }

    @ProcessElement
    public void process(@Element Long item, OutputReceiver<Long> out) throws InterruptedException {
      batch.add(item);
      if (batch.size() == batchSize) {
        devices.runBatch(device, millisPerBatch * 1_000_000);
        batch.forEach(out::output);
        batch.clear();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws InterruptedException {
      if (!batch.isEmpty()) {
        devices.runBatch(device, millisPerBatch * 1_000_000);
        for (Long item : batch) {
          context.output(item, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
        }
        batch.clear();
      }
    }
  }
}
