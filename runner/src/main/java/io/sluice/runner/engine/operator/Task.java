package io.sluice.runner.engine.operator;

/**
 * A unit of work an operator hands to the worker pool. It runs on a worker thread, touches only its
 * own data, and keeps its results in itself; the operator reads them back on the scheduling thread
 * in {@link PhysicalOperator#taskCompleted}.
 */
public interface Task {
  void run() throws Exception;
}
