package io.sluice.runner.engine.scheduler;

/** A task or callback of one operator failed; the cause is the original error, untouched. */
public final class OperatorFailedException extends RuntimeException {
  private final String operatorName;

  public OperatorFailedException(String operatorName, Throwable cause) {
    super("Operator '" + operatorName + "' failed: " + cause, cause);
    this.operatorName = operatorName;
  }

  public String operatorName() {
    return operatorName;
  }
}
