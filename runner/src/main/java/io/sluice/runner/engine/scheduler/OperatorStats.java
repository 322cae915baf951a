package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.block.ByteSizes;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What one operator did during a run. Written by the scheduling thread only; read after the run
 * (or approximately during it, for progress).
 */
public final class OperatorStats {
  private static final long HALF_A_MILLISECOND = 500_000;
  private final String name;
  private long tasks;
  /** Failed tasks that ran again (each also counts among the tasks). */
  private long tasksRetried;
  /** Pieces of work running tasks finished and went on from (see ContinuesTasks). */
  private long piecesContinued;
  private long taskNanos;
  private long maxTaskNanos;
  /** When its first task started and its last one ended, from the start of the run; once tasks > 0. */
  private long firstTaskStartNanos;
  private long lastTaskEndNanos;
  private long rowsIn;
  private long blocksOut;
  private long rowsOut;
  private long bytesOut;
  /** The part of bytesOut held off the heap. */
  private long offHeapBytesOut;
  private long peakQueuedBytes;
  private int peakWorkers;
  private boolean stoppedEarly;
  /** Per policy, how long it held the operator back while it had work to start. */
  private final Map<String, Long> heldBackNanos = new HashMap<>();

  OperatorStats(String name) {
    this.name = name;
  }

  /** @param startedNanos when the task started, from the start of the run */
  void taskFinished(long startedNanos, long nanos) {
    firstTaskStartNanos = tasks == 0 ? startedNanos : Math.min(firstTaskStartNanos, startedNanos);
    lastTaskEndNanos = Math.max(lastTaskEndNanos, startedNanos + nanos);
    tasks++;
    taskNanos += nanos;
    maxTaskNanos = Math.max(maxTaskNanos, nanos);
  }

  void taskRetried() {
    tasksRetried++;
  }

  public long tasksRetried() {
    return tasksRetried;
  }

  void continued(int pieces) {
    piecesContinued += pieces;
  }

  /** Pieces of work done: every task's last, and those tasks went on from. */
  long pieces() {
    return tasks + piecesContinued;
  }

  void emitted(int rows, long bytes, long offHeapBytes) {
    blocksOut++;
    rowsOut += rows;
    bytesOut += bytes;
    offHeapBytesOut += offHeapBytes;
  }

  void consumed(int rows) {
    rowsIn += rows;
  }

  void workers(int alive) {
    peakWorkers = Math.max(peakWorkers, alive);
  }

  void stoppedEarly() {
    stoppedEarly = true;
  }

  /** Whether a limit downstream stopped the operator before its input ran out. */
  public boolean wasStoppedEarly() {
    return stoppedEarly;
  }

  /** The most actors alive at once; 0 for operators that run plain tasks. */
  public int peakWorkers() {
    return peakWorkers;
  }

  void heldBack(String policy, long nanos) {
    heldBackNanos.merge(policy, nanos, Long::sum);
  }

  /** How long policies held the operator back while it had work to start, in all. */
  public long heldBackNanos() {
    long total = 0;
    for (long nanos : heldBackNanos.values()) {
      total += nanos;
    }
    return total;
  }

  void queued(long queuedBytes) {
    peakQueuedBytes = Math.max(peakQueuedBytes, queuedBytes);
  }

  public String name() {
    return name;
  }

  public long tasks() {
    return tasks;
  }

  public long taskNanos() {
    return taskNanos;
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long blocksOut() {
    return blocksOut;
  }

  public long rowsOut() {
    return rowsOut;
  }

  public long bytesOut() {
    return bytesOut;
  }

  /** The part of {@link #bytesOut} held off the heap (Arrow buffers). */
  public long offHeapBytesOut() {
    return offHeapBytesOut;
  }

  /** The most bytes ever waiting in this operator's input queue. */
  public long peakQueuedBytes() {
    return peakQueuedBytes;
  }

  /** One line, in the spirit of Ray Data's per-operator stats. */
  public String summary() {
    double taskSeconds = taskNanos / 1e9;
    return String.format(
        "%s: %d tasks (%.3f s total, mean %.1f ms, max %.1f ms)%s; in %d rows; out %d blocks, %d rows, %s%s; "
            + "peak queued in %s",
        name, tasks, taskSeconds, tasks == 0 ? 0.0 : taskNanos / 1e6 / tasks, maxTaskNanos / 1e6,
        tasks == 0 ? "" : String.format(", active %.1f-%.1f ms", firstTaskStartNanos / 1e6, lastTaskEndNanos / 1e6),
        rowsIn, blocksOut, rowsOut, ByteSizes.format(bytesOut),
        offHeapBytesOut == 0 ? "" : " (" + ByteSizes.format(offHeapBytesOut) + " off the heap)", ByteSizes.format(peakQueuedBytes))
        + (tasksRetried > 0 ? "; " + tasksRetried + " failed and ran again" : "")
        + (piecesContinued > 0 ? "; " + pieces() + " chunks, " + piecesContinued + " run on without a new task" : "")
        + (peakWorkers > 0 ? "; peak actors " + peakWorkers : "")
        + heldBackSummary()
        + (stoppedEarly ? "; stopped early (a limit downstream was reached)" : "");
  }

  /**
   * "; held back 1.200 s (queued-work 1.000 s, resource-budget 0.200 s)", the longest first, each
   * shown to the millisecond; "" if never held back for half a millisecond.
   */
  private String heldBackSummary() {
    if (heldBackNanos() < HALF_A_MILLISECOND) {
      return "";
    }
    StringJoiner policies = new StringJoiner(", ", " (", ")").setEmptyValue("");
    heldBackNanos.entrySet().stream()
        .filter(held -> held.getValue() >= HALF_A_MILLISECOND)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(held -> policies.add(String.format("%s %.3f s", held.getKey(), held.getValue() / 1e9)));
    return String.format("; held back %.3f s", heldBackNanos() / 1e9) + policies;
  }
}
