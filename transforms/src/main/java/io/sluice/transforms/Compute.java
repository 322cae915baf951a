package io.sluice.transforms;

import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * What each task of a row-level transform holds and how many may run at once, as Beam resource
 * hints: Dataflow and Flink read cpu_count, accelerator and min_ram; SluiceRunner also reads
 * max_active_bundles_per_worker as the concurrency cap. Immutable; each {@code with} returns a copy.
 */
public record Compute(int cpus, double gpus, long memoryBytes, int concurrency) {
  /** Nothing asked: one CPU per task, as many tasks as the runner likes. */
  public static final Compute DEFAULT = new Compute(-1, 0, 0, 0);

  public Compute {
    if (cpus < -1) {
      throw new IllegalArgumentException("cpus must be >= 0, was " + cpus);
    }
    if (!(gpus >= 0) || (gpus > 1 && gpus != Math.rint(gpus))) {
      throw new IllegalArgumentException("gpus must be a share below 1 (e.g. 0.5) or a whole number, was " + gpus);
    }
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memory must be >= 0 bytes, was " + memoryBytes);
    }
    if (concurrency < 0) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
    }
  }

  public Compute withCpus(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("cpus must be >= 0, was " + count);
    }
    return new Compute(count, gpus, memoryBytes, concurrency);
  }

  public Compute withGpus(double count) {
    return new Compute(cpus, count, memoryBytes, concurrency);
  }

  public Compute withMemory(long bytes) {
    return new Compute(cpus, gpus, bytes, concurrency);
  }

  /** At most this many tasks at once (Ray's {@code concurrency=n} for task pools). */
  public Compute withConcurrency(int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + tasks);
    }
    return new Compute(cpus, gpus, memoryBytes, tasks);
  }

  /** The Beam resource hints that carry these requests. */
  public ResourceHints toHints() {
    ResourceHints hints = ResourceHints.create();
    if (cpus >= 0) {
      hints = hints.withCPUCount(cpus);
    }
    if (gpus > 0) {
      hints = hints.withAccelerator("type:gpu;count:" + gpus);
    }
    if (memoryBytes > 0) {
      hints = hints.withMinRam(memoryBytes);
    }
    if (concurrency > 0) {
      hints = hints.withMaxActiveBundlesPerWorker(concurrency);
    }
    return hints;
  }
}
