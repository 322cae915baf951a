package io.sluice.runner.engine.backpressure;

/** Decides whether an operator may start another task now. Policies are combined with AND. */
public interface BackpressurePolicy {
  boolean canStartTask(OperatorLoad operator);

  /** Short name shown when the policy is what blocks an operator. */
  String name();

  /**
   * Why it holds {@code operator} back now, for stall diagnoses: its name and the figures that
   * decided, so a user can tell which budget or option to change.
   */
  default String whyHeldBack(OperatorLoad operator) {
    return name();
  }
}
