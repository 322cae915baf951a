package io.sluice.runner.translate;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.BatchSizeHint;
import io.sluice.runner.BlockCountHint;
import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.resource.DeviceAllocator;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHint;

/**
 * What one task of a transform holds while it runs, read from its Beam resource hints, so that
 * the same hints Dataflow and Flink see also drive Sluice: {@code cpu_count} CPUs (default 1),
 * the accelerator's {@code count:N} GPUs (fractional counts share a device; an accelerator without
 * a count means 1), and {@code min_ram} bytes.
 */
public final class ResourceRequests {
  static final String CPU_COUNT = "beam:resources:cpu_count:v1";
  static final String ACCELERATOR = "beam:resources:accelerator:v1";
  static final String MIN_RAM = "beam:resources:min_ram_bytes:v1";
  static final String MAX_ACTIVE_BUNDLES = "beam:resources:max_active_bundles_per_worker:v1";

  private ResourceRequests() {}

  /**
   * What one task (or actor) of {@code transform} holds. CPU defaults to one, except for GPU
   * transforms: their actors mostly wait on the device, so they hold no CPU unless cpu_count says so.
   */
  public static ExecutionResources of(AppliedPTransform<?, ?, ?> transform) {
    Map<String, ResourceHint> hints = transform.getResourceHints().hints();
    String name = transform.getFullName();
    double gpus = hints.containsKey(ACCELERATOR) ? acceleratorCount(name, text(hints.get(ACCELERATOR))) : 0;
    if (!DeviceAllocator.isAllocatable(gpus)) {
      throw new IllegalArgumentException("Transform '" + name + "' requests accelerator count " + gpus
          + ", which cannot be placed on devices; ask for a share below 1 (e.g. count:0.5) or a whole number");
    }
    double defaultCpus = gpus > 0 ? 0 : 1;
    double cpus = hints.containsKey(CPU_COUNT) ? number(name, "cpu_count", text(hints.get(CPU_COUNT))) : defaultCpus;
    double ram = hints.containsKey(MIN_RAM) ? number(name, "min_ram", text(hints.get(MIN_RAM))) : 0;
    return new ExecutionResources(cpus, gpus, (long) ram);
  }

  /** How many of its tasks may run at once, from Beam's max_active_bundles_per_worker hint; 0: no cap. */
  public static int maxConcurrency(AppliedPTransform<?, ?, ?> transform) {
    ResourceHint hint = transform.getResourceHints().hints().get(MAX_ACTIVE_BUNDLES);
    if (hint == null) {
      return 0;
    }
    double value = number(transform.getFullName(), "max_active_bundles_per_worker", text(hint));
    if (value < 1 || value != Math.rint(value)) {
      throw new IllegalArgumentException("Transform '" + transform.getFullName() + "' has resource hint "
          + "max_active_bundles_per_worker=" + text(hint) + "; it must be a whole number >= 1");
    }
    return (int) value;
  }

  /** The batch size a {@link BatchSizeHint} declares, or 1. */
  public static int batchSize(AppliedPTransform<?, ?, ?> transform) {
    ResourceHint hint = transform.getResourceHints().hints().get(BatchSizeHint.URN);
    if (hint == null) {
      return 1;
    }
    return hint instanceof BatchSizeHint size ? size.batchSize() : BatchSizeHint.parse(transform.getFullName(), hint.toBytes());
  }

  /** The block count a {@link BlockCountHint} asks for, or 0. */
  public static int blockCount(AppliedPTransform<?, ?, ?> transform) {
    ResourceHint hint = transform.getResourceHints().hints().get(BlockCountHint.URN);
    if (hint == null) {
      return 0;
    }
    return hint instanceof BlockCountHint count ? count.blocks() : BlockCountHint.parse(transform.getFullName(), hint.toBytes());
  }

  /** The pool an {@link ActorPoolHint} asks for, or null. */
  public static ActorPoolConfig actorPool(AppliedPTransform<?, ?, ?> transform) {
    ResourceHint hint = transform.getResourceHints().hints().get(ActorPoolHint.URN);
    if (hint == null) {
      return null;
    }
    return hint instanceof ActorPoolHint pool ? pool.config() : ActorPoolHint.parse(transform.getFullName(), hint.toBytes());
  }

  private static double acceleratorCount(String transform, String accelerator) {
    for (String part : accelerator.split(";")) {
      String trimmed = part.trim();
      if (trimmed.startsWith("count:")) {
        return number(transform, "accelerator count", trimmed.substring("count:".length()));
      }
    }
    return 1;
  }

  private static double number(String transform, String hint, String text) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Transform '" + transform + "' has resource hint " + hint + "='" + text
          + "', which is not a number; set it with ResourceHints (e.g. withCPUCount, withAccelerator(\"type:...;count:1\"))");
    }
    if (!(value >= 0)) {
      throw new IllegalArgumentException("Transform '" + transform + "' requests " + hint + "=" + text
          + "; resource requests must not be negative");
    }
    return value;
  }

  private static String text(ResourceHint hint) {
    return new String(hint.toBytes(), StandardCharsets.US_ASCII);
  }
}
