package io.sluice.runner.engine.backpressure;

import io.sluice.runner.engine.block.ByteSizes;

/**
 * Stops a producer while its consumers already have more than a byte budget queued, so a fast
 * upstream cannot flood memory ahead of a slow downstream.
 */
public final class DownstreamQueueBytesPolicy implements BackpressurePolicy {
  private final long maxQueuedBytes;

  public DownstreamQueueBytesPolicy(long maxQueuedBytes) {
    if (maxQueuedBytes <= 0) {
      throw new IllegalArgumentException("maxQueuedBytes must be positive, was " + maxQueuedBytes);
    }
    this.maxQueuedBytes = maxQueuedBytes;
  }

  @Override
  public boolean canStartTask(OperatorLoad operator) {
    return operator.downstreamQueuedBytes() < maxQueuedBytes;
  }

  @Override
  public String name() {
    return "downstream-queue-bytes";
  }

  @Override
  public String whyHeldBack(OperatorLoad operator) {
    return String.format("%s: %s wait at its consumers, the limit is %s (--maxQueuedBytesPerOperator)", name(),
        ByteSizes.format(operator.downstreamQueuedBytes()), ByteSizes.format(maxQueuedBytes));
  }
}
