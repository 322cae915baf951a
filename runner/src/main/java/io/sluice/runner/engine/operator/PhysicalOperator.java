package io.sluice.runner.engine.operator;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.resource.ExecutionResources;

/**
 * A running operator. All methods are called from the single scheduling thread, so operators need
 * no locks; nothing here may block. "Not now" is an answer ({@code needsInput() == false}, {@code
 * pollTask() == null}), never a parked thread.
 *
 * <p>Lifecycle: {@code addInput}* then {@code finishInput} once all upstream operators finished;
 * tasks are polled and completed in between; outputs are drained with {@code pollOutput}; {@code
 * isFinished} turns true when no task, output or input remains; {@code close} runs exactly once at
 * the end of the run, whether it succeeded or not.
 */
public interface PhysicalOperator extends AutoCloseable {
  String name();

  /** Whether the operator will accept another input block now. */
  boolean needsInput();

  void addInput(Block block);

  /** No more input will arrive. */
  void finishInput();

  /** Whether {@link #pollTask()} would return a task; must be cheap and side-effect free. */
  boolean hasTask();

  /** A task that may run now, or null. */
  Task pollTask();

  /** Called on the scheduling thread after {@code task.run()} returned normally. */
  void taskCompleted(Task task);

  /** Called on the scheduling thread after {@code task.run()} threw. The run fails afterwards. */
  default void taskFailed(Task task, Throwable error) {}

  /** The next output block, tagged with the output port it leaves by, or null. */
  OutputBlock pollOutput();

  boolean isFinished();

  /** How many of this operator's tasks may run at once. */
  default int maxConcurrency() {
    return Integer.MAX_VALUE;
  }

  /** What each of this operator's tasks holds while it runs. */
  default ExecutionResources taskResources() {
    return ExecutionResources.cpus(1);
  }

  /** Releases what the operator holds (user function instances, buffers). */
  @Override
  default void close() throws Exception {}

  /** An output block and the port it leaves by. */
  record OutputBlock(int port, Block block) {}
}
