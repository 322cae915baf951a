package io.sluice.runner.engine.operator;

/**
 * An operator whose running tasks can go on to their next piece of work (a read's next chunk)
 * without ending, for as long as the scheduler would start another task of it anyway. Ending a
 * task, handing its end to the scheduling thread and a new task back to a worker left a core idle
 * about 0.8 ms each time on a 2-core VM (waking a thread on an idle core is slow there), and a read
 * ends a task every chunk. Each turn, the operator collects what its tasks finished meanwhile; once
 * that output is counted downstream, the scheduling thread says how many of them may go on past
 * their current piece.
 */
public interface ContinuesTasks extends RequestsTurns {
  /**
   * Called on the scheduling thread each turn: takes in what running tasks have finished since.
   *
   * @return how many finished pieces it collected, whose output is now waiting to be polled
   */
  int collectFinishedPieces();

  /**
   * Called on the scheduling thread each turn while the operator has tasks running, once what they
   * finished has been collected and handed downstream.
   *
   * @param mayGoOn how many of its running tasks may start another piece after the current one
   */
  void letTasksGoOn(int mayGoOn);
}
