package io.sluice.runner.engine.operator;

/**
 * An operator whose tasks hand it results before they end (an actor working through bundles handed
 * over to it): a worker thread may then ask the scheduling thread for a turn, in which the
 * operator collects those results and hands out more work, rather than wait for the task to end.
 */
public interface RequestsTurns {
  /** Called once, before the run starts; {@code requestTurn} is safe to call from any thread. */
  void turnsBy(Runnable requestTurn);
}
