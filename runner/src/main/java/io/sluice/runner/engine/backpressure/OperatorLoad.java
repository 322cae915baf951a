package io.sluice.runner.engine.backpressure;

/**
 * What a backpressure policy may see of an operator: a read-only capability view, so policies do
 * not depend on concrete operators or on the executor's internals.
 */
public interface OperatorLoad {
  String name();

  int runningTasks();

  int maxConcurrency();

  /** Bytes waiting in the input queues of this operator's consumers: what it has produced but nobody took. */
  long downstreamQueuedBytes();
}
