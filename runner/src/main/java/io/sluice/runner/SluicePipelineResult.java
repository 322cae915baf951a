package io.sluice.runner;

import io.sluice.runner.beam.RunMetrics;
import io.sluice.runner.beam.TransformFailedException;
import io.sluice.runner.engine.scheduler.OperatorFailedException;
import io.sluice.runner.engine.scheduler.OperatorStats;
import io.sluice.runner.engine.scheduler.StreamingExecutor;
import io.sluice.runner.plan.PhysicalPlan;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.joda.time.Duration;

/** The state, metrics and outcome of one SluiceRunner run. */
public final class SluicePipelineResult implements PipelineResult {
  private final StreamingExecutor executor;
  private final CompletableFuture<Void> completion;
  private final RunMetrics metrics;
  private final PhysicalPlan plan;

  SluicePipelineResult(StreamingExecutor executor, CompletableFuture<Void> completion, RunMetrics metrics, PhysicalPlan plan) {
    this.executor = executor;
    this.completion = completion;
    this.metrics = metrics;
    this.plan = plan;
  }

  /** The physical plan that ran: one operator a line, with its inputs and the transforms fused into it. */
  public String explain() {
    // Described on demand: formatting every operator costs each run about a millisecond.
    return plan.explain();
  }

  @Override
  public State getState() {
    if (!completion.isDone()) {
      return State.RUNNING;
    }
    try {
      completion.getNow(null);
      return State.DONE;
    } catch (CancellationException e) {
      return State.CANCELLED;
    } catch (Exception e) {
      return causeOf(e) instanceof CancellationException ? State.CANCELLED : State.FAILED;
    }
  }

  @Override
  public State cancel() {
    executor.cancel();
    try {
      completion.get();
    } catch (Exception e) {
      // the outcome is read from getState below
    }
    return getState();
  }

  /** Waits at most {@code duration}; returns null if the run has not finished by then. */
  @Override
  public State waitUntilFinish(Duration duration) {
    try {
      completion.get(Math.max(1, duration.getMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | CancellationException e) {
      return finish(e);
    }
    return State.DONE;
  }

  @Override
  public State waitUntilFinish() {
    try {
      completion.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the pipeline", e);
    } catch (ExecutionException | CancellationException e) {
      return finish(e);
    }
    return State.DONE;
  }

  @Override
  public MetricResults metrics() {
    return metrics.results();
  }

  /**
   * A per-operator summary of the run: tasks and their time, blocks, rows and bytes produced, and
   * the peak bytes queued at each operator's input.
   */
  public String stats() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Run %s in %.3f s%n", getState(), executor.wallNanos() / 1e9));
    for (OperatorStats operator : executor.operatorStats()) {
      out.append("  ").append(operator.summary()).append('\n');
    }
    String spills = executor.spillSummary();
    if (!spills.isEmpty()) {
      out.append("  ").append(spills).append('\n');
    }
    return out.toString();
  }

  /** Whether every thread of the run has stopped (after it finished, failed or was cancelled). */
  public boolean allThreadsStopped() {
    return executor.allThreadsStopped();
  }

  private State finish(Exception e) {
    Throwable cause = causeOf(e);
    if (cause instanceof CancellationException) {
      return State.CANCELLED;
    }
    throw toPipelineException(cause);
  }

  private static Throwable causeOf(Exception e) {
    return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Surfaces the user's own exception, named after the transform it came from. */
  static RuntimeException toPipelineException(Throwable error) {
    Throwable cause = error instanceof OperatorFailedException ? error.getCause() : error;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TransformFailedException failed) {
        SluiceExecutionException wrapped = new SluiceExecutionException(failed.transform(), failed.getCause());
        for (Throwable suppressed : error.getSuppressed()) {
          wrapped.addSuppressed(suppressed);
        }
        return wrapped;
      }
    }
    if (error instanceof OperatorFailedException operatorFailed) {
      return new SluiceExecutionException(operatorFailed.operatorName(), cause);
    }
    return new Pipeline.PipelineExecutionException(cause);
  }

  /** Beam's PipelineExecutionException whose message also names the failed transform. */
  public static final class SluiceExecutionException extends Pipeline.PipelineExecutionException {
    private final String transform;

    SluiceExecutionException(String transform, Throwable cause) {
      super(cause);
      this.transform = transform;
    }

    public String transform() {
      return transform;
    }

    @Override
    public String getMessage() {
      return "Transform '" + transform + "' failed: " + getCause();
    }
  }
}
