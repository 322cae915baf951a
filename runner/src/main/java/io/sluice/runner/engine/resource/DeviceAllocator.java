package io.sluice.runner.engine.resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands out concrete GPU device ids. A request below one GPU gets a share of one device (two 0.5
 * requests may share device 0); a request of one or more gets that many whole devices to itself.
 * Shares are packed onto the fullest device that still fits them, so whole devices stay free for
 * whole-device requests. Not thread-safe: the scheduling thread owns it.
 */
public final class DeviceAllocator {
  private static final double EPSILON = 1e-9;

  private final double[] free;

  /** @param devices how many devices exist, numbered 0 to devices - 1 */
  public DeviceAllocator(int devices) {
    if (devices < 0) {
      throw new IllegalArgumentException("device count must be >= 0, was " + devices);
    }
    free = new double[devices];
    java.util.Arrays.fill(free, 1.0);
  }

  public int devices() {
    return free.length;
  }

  /** Whether a request of {@code gpus} can be satisfied by distinct devices: a share below one, or a whole number. */
  public static boolean isAllocatable(double gpus) {
    return gpus >= 0 && (gpus < 1 || Math.abs(gpus - Math.rint(gpus)) < EPSILON);
  }

  /**
   * The device ids granted for {@code gpus}, or null if they are not free now. Zero GPUs get an
   * empty list.
   */
  public List<Integer> allocate(double gpus) {
    if (!isAllocatable(gpus)) {
      throw new IllegalArgumentException(gpus + " GPUs cannot be placed on devices: ask for a share below 1 or a whole number");
    }
    if (gpus <= EPSILON) {
      return List.of();
    }
    if (gpus < 1) {
      int best = -1;
      for (int d = 0; d < free.length; d++) {
        if (free[d] + EPSILON >= gpus && (best < 0 || free[d] < free[best])) {
          best = d;
        }
      }
      if (best < 0) {
        return null;
      }
      free[best] -= gpus;
      return List.of(best);
    }
    int wanted = (int) Math.rint(gpus);
    List<Integer> whole = new ArrayList<>(wanted);
    for (int d = 0; d < free.length && whole.size() < wanted; d++) {
      if (free[d] >= 1 - EPSILON) {
        whole.add(d);
      }
    }
    if (whole.size() < wanted) {
      return null;
    }
    for (int d : whole) {
      free[d] = 0;
    }
    return List.copyOf(whole);
  }

  /** Gives back what {@link #allocate} granted for the same {@code gpus}. */
  public void release(List<Integer> devices, double gpus) {
    double each = devices.isEmpty() ? 0 : (gpus < 1 ? gpus : 1.0);
    for (int d : devices) {
      free[d] = Math.min(1.0, free[d] + each);
    }
  }

  /** The unallocated fraction of {@code device}. */
  public double free(int device) {
    return free[device];
  }
}
