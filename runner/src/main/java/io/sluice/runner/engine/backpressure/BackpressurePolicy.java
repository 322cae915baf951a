package io.sluice.runner.engine.backpressure;

/** Decides whether an operator may start another task now. Policies are combined with AND. */
public interface BackpressurePolicy {
  boolean canStartTask(OperatorLoad operator);

  /** Short name shown when the policy is what blocks an operator. */
  String name();
}
