package io.sluice.runner.engine.resource;

/**
 * An immutable amount of CPUs, GPUs (both may be fractional) and memory bytes. Used for limits,
 * per-task requests and usage alike.
 */
public record ExecutionResources(double cpus, double gpus, long memoryBytes) {
  public static final ExecutionResources ZERO = new ExecutionResources(0, 0, 0);

  public ExecutionResources {
    if (!(cpus >= 0) || !(gpus >= 0) || memoryBytes < 0) { // also rejects NaN
      throw new IllegalArgumentException(
          "resources must be non-negative numbers: cpus=" + cpus + ", gpus=" + gpus + ", memoryBytes=" + memoryBytes);
    }
  }

  public static ExecutionResources cpus(double cpus) {
    return new ExecutionResources(cpus, 0, 0);
  }

  public ExecutionResources add(ExecutionResources other) {
    return new ExecutionResources(
        cpus + other.cpus, gpus + other.gpus, saturatedAdd(memoryBytes, other.memoryBytes));
  }

  /** Subtracts, flooring each dimension at zero (usage never goes negative through rounding). */
  public ExecutionResources subtract(ExecutionResources other) {
    return new ExecutionResources(
        Math.max(0, cpus - other.cpus),
        Math.max(0, gpus - other.gpus),
        Math.max(0, memoryBytes - other.memoryBytes));
  }

  public boolean fitsWithin(ExecutionResources limit) {
    // A small epsilon keeps fractional GPU shares (e.g. 3 x 1/3) from failing on rounding.
    return cpus <= limit.cpus + 1e-9 && gpus <= limit.gpus + 1e-9 && memoryBytes <= limit.memoryBytes;
  }

  public ExecutionResources min(ExecutionResources other) {
    return new ExecutionResources(
        Math.min(cpus, other.cpus), Math.min(gpus, other.gpus), Math.min(memoryBytes, other.memoryBytes));
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
