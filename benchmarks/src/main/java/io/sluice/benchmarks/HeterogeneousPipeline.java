package io.sluice.benchmarks;

import io.sluice.transforms.ActorPool;
import io.sluice.transforms.BatchUdf;
import io.sluice.transforms.MapBatches;
import io.sluice.transforms.UdfFactory;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * A CPU stage (spins {@code cpuMicros} per item: decode, tokenize) feeding a GPU stage (a
 * {@link MapBatches} class UDF holding one logical GPU, {@code gpuMillis} per batch of {@code
 * batchSize}, on an actor pool of up to one actor per GPU), then a count.
 */
final class HeterogeneousPipeline {
  record Shape(long items, long cpuMicros, long gpuMillisPerBatch, int batchSize, int gpus) {
    /** max(CPU work / cores, GPU work / GPUs): no schedule can finish sooner. */
    double physicalLimitSeconds(int cores) {
      return Math.max(cpuSeconds(cores), gpuSeconds());
    }

    /** The CPU stage's work spread over {@code cores}. */
    double cpuSeconds(int cores) {
      return items * cpuMicros / 1e6 / cores;
    }

    /** The GPU stage's batches spread over the GPUs. */
    double gpuSeconds() {
      return Math.ceil((double) items / batchSize) * gpuMillisPerBatch / 1e3 / gpus;
    }
  }

  private HeterogeneousPipeline() {}

  static Pipeline build(PipelineOptions options, Shape shape, String runId) {
    SimulatedGpus.forRun(runId, shape.gpus());
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Generate", GenerateSequence.from(0).to(shape.items()))
        .apply("Decode", ParDo.of(new SpinFn(shape.cpuMicros())))
        .apply("Infer", MapBatches.ofClass(new SimulatedInference(runId, shape.gpus(), shape.gpuMillisPerBatch()))
            .withBatchSize(shape.batchSize())
            .withGpus(1)
            .withActorPool(ActorPool.of(1, shape.gpus()))
            .withOutputCoder(VarLongCoder.of()))
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
      out.output(item + (spin(micros) & 0)); // uses the spin count so the loop is not removed
    }

    /** Spins until {@code micros} have passed; returns how many times it looked at the clock. */
    static long spin(long micros) {
      long end = System.nanoTime() + micros * 1_000;
      long spins = 0;
      while (System.nanoTime() < end) {
        spins++;
      }
      return spins;
    }
  }

  /**
   * A class UDF holding one logical GPU: it picks its device at setup (the one SluiceRunner's
   * DeviceContext names, else the next in turn) and keeps it busy for a fixed time per batch.
   */
  static final class SimulatedInference implements UdfFactory<Long, Long> {
    private final String runId;
    private final int gpus;
    private final long millisPerBatch;

    SimulatedInference(String runId, int gpus, long millisPerBatch) {
      this.runId = runId;
      this.gpus = gpus;
      this.millisPerBatch = millisPerBatch;
    }

    @Override
    public BatchUdf<Long, Long> create() {
      return new BatchUdf<>() {
        private SimulatedGpus devices;
        private int device;

        @Override
        public void setup() {
          devices = SimulatedGpus.forRun(runId, gpus);
          device = devices.deviceForNewInstance();
        }

        @Override
        public List<Long> apply(List<Long> batch) throws InterruptedException {
          devices.runBatch(device, millisPerBatch * 1_000_000);
          return batch;
        }
      };
    }
  }
}
