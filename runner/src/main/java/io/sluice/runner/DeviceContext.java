package io.sluice.runner;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * The GPU devices the current actor holds. On SluiceRunner a DoFn running in a GPU actor pool
 * reads it in {@code @Setup} (and in every bundle) to open its model on the right device:
 *
 * <pre>{@code
 * @Setup
 * public void setup() {
 *   int device = DeviceContext.current().deviceIds().get(0);
 *   session = loadModelOn(device);
 * }
 * }</pre>
 *
 * <p>Outside an actor, and on other runners, {@link #current()} is {@link #NONE}: no assignment,
 * so portable code falls back to whatever the runner's environment provides (for example
 * {@code CUDA_VISIBLE_DEVICES}).
 */
public final class DeviceContext {
  /** No device assignment: not inside a Sluice actor. */
  public static final DeviceContext NONE = new DeviceContext(-1, List.of(), 0);

  private static final ThreadLocal<DeviceContext> CURRENT = new ThreadLocal<>();

  private final int actorIndex;
  private final List<Integer> deviceIds;
  private final double gpus;

  public DeviceContext(int actorIndex, List<Integer> deviceIds, double gpus) {
    this.actorIndex = actorIndex;
    this.deviceIds = List.copyOf(deviceIds);
    this.gpus = gpus;
  }

  /** The calling thread's context, or {@link #NONE}. */
  public static DeviceContext current() {
    DeviceContext context = CURRENT.get();
    return context == null ? NONE : context;
  }

  /**
   * Runs {@code work} with {@code context} as the current one, then restores the previous. For
   * runners: the actor pool wraps its actor's setup, bundles and teardown in it.
   */
  public static <T> T callWith(DeviceContext context, Callable<T> work) throws Exception {
    DeviceContext previous = CURRENT.get();
    CURRENT.set(context);
    try {
      return work.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /** Whether the runner assigned devices (a GPU actor on SluiceRunner). */
  public boolean isAssigned() {
    return actorIndex >= 0;
  }

  /** Distinct among the actors of one transform over a run; -1 for {@link #NONE}. */
  public int actorIndex() {
    return actorIndex;
  }

  /** The devices this actor holds, e.g. [1]; empty without GPUs. */
  public List<Integer> deviceIds() {
    return deviceIds;
  }

  /** The GPUs the actor holds: a fraction when it shares its device (0.5: two actors per device). */
  public double gpus() {
    return gpus;
  }

  /** The device ids as {@code CUDA_VISIBLE_DEVICES} lists them, e.g. "0,1". */
  public String cudaVisibleDevices() {
    return deviceIds.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return isAssigned() ? "actor " + actorIndex + " on devices " + deviceIds + " (" + gpus + " GPUs)" : "no devices";
  }
}
