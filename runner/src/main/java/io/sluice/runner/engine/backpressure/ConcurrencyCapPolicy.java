package io.sluice.runner.engine.backpressure;

/** Caps the tasks an operator runs at once at its own {@code maxConcurrency}. */
public final class ConcurrencyCapPolicy implements BackpressurePolicy {
  @Override
  public boolean canStartTask(OperatorLoad operator) {
    return operator.runningTasks() < operator.maxConcurrency();
  }

  @Override
  public String name() {
    return "concurrency-cap";
  }

  @Override
  public String whyHeldBack(OperatorLoad operator) {
    return name() + ": " + operator.runningTasks() + " of at most " + operator.maxConcurrency() + " tasks run";
  }
}
