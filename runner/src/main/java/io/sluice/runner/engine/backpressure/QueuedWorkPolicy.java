package io.sluice.runner.engine.backpressure;

import java.util.concurrent.TimeUnit;

/**
 * Stops a producer once each of its consumers has enough work queued to stay busy until the
 * producer's next task could add more: at least {@code minAheadNanos} at the consumer's measured
 * pace, or twice the producer's own time per task if that is longer. Beyond that, queued blocks
 * only hold memory: on the heap, every young collection copies them until they are consumed, so a
 * cheap read that runs far ahead of a slow consumer lengthens every pause of the run. A consumer
 * that has not done its first rows counts as having plenty queued, until it knows its pace; one that
 * does not measure its pace, or waits for a side input, holds no one back (the memory budgets still
 * do).
 */
public final class QueuedWorkPolicy implements BackpressurePolicy {
  /** Producer tasks of the lead: one may start just as the consumers' queue runs low, and take long. */
  private static final int TASKS_AHEAD = 2;

  private final long minAheadNanos;

  public QueuedWorkPolicy(long minAheadNanos) {
    if (minAheadNanos <= 0) {
      throw new IllegalArgumentException("the work kept queued ahead must be positive, was " + minAheadNanos + " ns");
    }
    this.minAheadNanos = minAheadNanos;
  }

  @Override
  public boolean canStartTask(OperatorLoad operator) {
    return operator.downstreamQueuedWorkNanos() < aheadNanos(operator);
  }

  private long aheadNanos(OperatorLoad operator) {
    return Math.max(minAheadNanos, TASKS_AHEAD * operator.meanTaskNanos());
  }

  @Override
  public String name() {
    return "queued-work";
  }

  @Override
  public String whyHeldBack(OperatorLoad operator) {
    long queued = operator.downstreamQueuedWorkNanos();
    if (queued == Long.MAX_VALUE) {
      return name() + ": its consumers have input queued and have not yet measured how long a row takes them "
          + "(--queuedWorkMillis)";
    }
    return String.format("%s: its consumers have %d ms of work queued, enough for %d ms (--queuedWorkMillis, or "
            + "%d of its own tasks)", name(), TimeUnit.NANOSECONDS.toMillis(queued),
        TimeUnit.NANOSECONDS.toMillis(aheadNanos(operator)), TASKS_AHEAD);
  }
}
