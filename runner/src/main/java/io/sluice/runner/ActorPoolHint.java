package io.sluice.runner;

import io.sluice.runner.engine.actor.ActorPoolConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHint;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;

/**
 * A Beam resource hint asking SluiceRunner to run a transform's DoFn on an autoscaling actor pool
 * (Ray Data's {@code ActorPoolStrategy}). Other runners carry the hint and ignore it, so the
 * pipeline stays portable:
 *
 * <pre>{@code
 * ParDo.of(new EmbedFn()).setResourceHints(ActorPoolHint.add(
 *     ResourceHints.create().withAccelerator("type:nvidia-l4;count:1"), ActorPoolHint.of(1, 4)))
 * }</pre>
 *
 * <p>GPU transforms run on actor pools even without it, sized by the GPUs they may hold.
 */
public final class ActorPoolHint extends ResourceHint {
  public static final String URN = "sluice:resources:actor_pool:v1";

  private final ActorPoolConfig config;

  private ActorPoolHint(ActorPoolConfig config) {
    this.config = config;
  }

  /** min to max actors, starting with min, two blocks in flight per actor. Invalid sizes fail here. */
  public static ActorPoolHint of(int minSize, int maxSize) {
    return new ActorPoolHint(ActorPoolConfig.of(minSize, maxSize));
  }

  public static ActorPoolHint of(int minSize, int maxSize, int initialSize, int maxTasksInFlightPerActor) {
    return new ActorPoolHint(new ActorPoolConfig(minSize, maxSize, initialSize, maxTasksInFlightPerActor));
  }

  /** {@code hints} with this pool added. */
  public static ResourceHints add(ResourceHints hints, ActorPoolHint pool) {
    return hints.withHint(URN, pool);
  }

  public ActorPoolConfig config() {
    return config;
  }

  /** Parses what {@link #toBytes()} wrote, naming the transform if it is malformed. */
  public static ActorPoolConfig parse(String transform, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    Map<String, Integer> fields = new HashMap<>();
    try {
      for (String part : text.split(";")) {
        String[] kv = part.split("=", 2);
        fields.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
      }
      return new ActorPoolConfig(fields.get("min"), fields.get("max"), fields.get("initial"), fields.get("inFlight"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Transform '" + transform + "' has actor pool hint '" + text
          + "', which is not min=N;max=N;initial=N;inFlight=N; build it with ActorPoolHint.of: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] toBytes() {
    return String.format("min=%d;max=%d;initial=%d;inFlight=%d", config.minSize(), config.maxSize(),
        config.initialSize(), config.maxTasksInFlightPerActor()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ActorPoolHint hint && hint.config.equals(config);
  }

  @Override
  public int hashCode() {
    return config.hashCode();
  }
}
