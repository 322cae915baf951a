package io.sluice.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.ActorPoolHint;
import io.sluice.runner.DeviceContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GPU stages on SluiceRunner with logical GPUs: each runs on an actor pool, each actor is handed
 * concrete device ids that its DoFn reads through {@link DeviceContext}, and two GPU stages split
 * the devices between them instead of both taking all of them.
 */
class GpuActorPoolsTest {
  /** Per transform: the device context each actor saw in @Setup, and in its bundles. */
  private static final Map<String, List<DeviceContext>> SETUPS = new ConcurrentHashMap<>();
  private static final Map<String, Set<String>> BUNDLE_DEVICES = new ConcurrentHashMap<>();
  /** Which live actor holds each whole device, and any actor handed a device someone else held. */
  private static final Map<Integer, String> HOLDERS = new ConcurrentHashMap<>();
  private static final List<String> CLASHES = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void forgetEarlierRuns() {
    SETUPS.clear();
    BUNDLE_DEVICES.clear();
    HOLDERS.clear();
    CLASHES.clear();
  }

  @Test
  void twoGpuStagesSharingTwoDevicesEachGetTheirOwnDevice() {
    Pipeline pipeline = Pipeline.create(options("--numGpus=2"));
    PCollection<Integer> input = pipeline.apply(Create.of(range(0, 400))).apply(Reshuffle.viaRandomKey());
    PCollection<Integer> output = input
        .apply("EmbedA", ParDo.of(new DeviceRecordingFn("EmbedA"))
            .setResourceHints(ResourceHints.create().withAccelerator("type:logical;count:1")))
        // Without the shuffle the two stages, asking for the same, would fuse into one GPU operator.
        .apply(Reshuffle.viaRandomKey())
        .apply("EmbedB", ParDo.of(new DeviceRecordingFn("EmbedB"))
            .setResourceHints(ResourceHints.create().withAccelerator("type:logical;count:1")));
    PAssert.that(output).containsInAnyOrder(range(2, 402));
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());

    assertEquals(List.of(), CLASHES, "an actor was handed a device another live actor held");
    // Both pools start an actor before input arrives and keep it until their input is exhausted,
    // so their first actors live side by side: one device each, not both on the same one.
    DeviceContext firstOfA = SETUPS.get("EmbedA").get(0);
    DeviceContext firstOfB = SETUPS.get("EmbedB").get(0);
    assertEquals(Set.of(0, 1), union(firstOfA.deviceIds(), firstOfB.deviceIds()), firstOfA + " and " + firstOfB);
    for (String stage : List.of("EmbedA", "EmbedB")) {
      for (DeviceContext context : SETUPS.get(stage)) {
        assertTrue(context.isAssigned(), stage + " set up outside an actor: " + context);
        assertEquals(1, context.deviceIds().size(), "a count:1 actor holds one whole device: " + context);
        assertEquals(1.0, context.gpus());
      }
      // An actor started late may see no bundle; every bundle runs on some actor's devices.
      Set<String> setUp = SETUPS.get(stage).stream().map(DeviceContext::cudaVisibleDevices).collect(Collectors.toSet());
      assertFalse(BUNDLE_DEVICES.get(stage).isEmpty(), stage + " ran no bundle");
      assertTrue(setUp.containsAll(BUNDLE_DEVICES.get(stage)),
          stage + ": bundles ran on " + BUNDLE_DEVICES.get(stage) + ", actors were set up on " + setUp);
    }
  }

  @Test
  void halfGpuActorsOfOneStageShareADevice() {
    Pipeline pipeline = Pipeline.create(options("--numGpus=1"));
    PCollection<Integer> output = pipeline.apply(Create.of(range(0, 200))).apply(Reshuffle.viaRandomKey())
        .apply("Half", ParDo.of(new DeviceRecordingFn("Half")).setResourceHints(ActorPoolHint.add(
            ResourceHints.create().withAccelerator("type:logical;count:0.5"), ActorPoolHint.of(2, 2))));
    PAssert.that(output).containsInAnyOrder(range(1, 201));
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());

    List<DeviceContext> actors = SETUPS.get("Half");
    assertEquals(2, actors.size(), "the pool's minimum of two actors: " + actors);
    assertEquals(Set.of(0), devices("Half"));
    assertEquals(Set.of(0, 1), actors.stream().map(DeviceContext::actorIndex).collect(Collectors.toSet()));
    assertTrue(actors.stream().allMatch(c -> c.gpus() == 0.5), actors.toString());
  }

  @Test
  void moreGpusPerActorThanTheRunHasFailsBeforeRunningNamingTheTransformAndOption() {
    Pipeline pipeline = Pipeline.create(options("--numGpus=1"));
    pipeline.apply(Create.of(range(0, 10)))
        .apply("Greedy", ParDo.of(new DeviceRecordingFn("Greedy"))
            .setResourceHints(ResourceHints.create().withAccelerator("type:logical;count:2")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, pipeline::run);
    assertTrue(e.getMessage().contains("Greedy") && e.getMessage().contains("--numGpus"), e.getMessage());
    assertFalse(SETUPS.containsKey("Greedy"), "nothing ran");
  }

  @Test
  void fractionalGpuAboveOneFailsNamingTheTransform() {
    Pipeline pipeline = Pipeline.create(options("--numGpus=2"));
    pipeline.apply(Create.of(range(0, 10)))
        .apply("OneAndAHalf", ParDo.of(new DeviceRecordingFn("OneAndAHalf"))
            .setResourceHints(ResourceHints.create().withAccelerator("type:logical;count:1.5")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, pipeline::run);
    assertTrue(e.getMessage().contains("OneAndAHalf") && e.getMessage().contains("count:0.5"), e.getMessage());
  }

  @Test
  void actorPoolMinimumLargerThanTheRunCanHoldFailsBeforeRunning() {
    Pipeline pipeline = Pipeline.create(options("--numGpus=1"));
    pipeline.apply(Create.of(range(0, 10)))
        .apply("TooMany", ParDo.of(new DeviceRecordingFn("TooMany")).setResourceHints(ActorPoolHint.add(
            ResourceHints.create().withAccelerator("type:logical;count:1"), ActorPoolHint.of(2, 4))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, pipeline::run);
    assertTrue(e.getMessage().contains("TooMany") && e.getMessage().contains("minSize"), e.getMessage());
  }

  private static PipelineOptions options(String gpus) {
    return PipelineOptionsFactory.fromArgs("--runner=SluiceRunner", gpus, "--parallelism=2").create();
  }

  private static Set<Integer> union(List<Integer> a, List<Integer> b) {
    Set<Integer> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Set<Integer> devices(String stage) {
    Set<Integer> ids = new HashSet<>();
    SETUPS.getOrDefault(stage, List.of()).forEach(c -> ids.addAll(c.deviceIds()));
    return ids;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toCollection(ArrayList::new));
  }

  /** Adds one; records the device context at setup and in every bundle. */
  static final class DeviceRecordingFn extends DoFn<Integer, Integer> {
    private final String stage;

    DeviceRecordingFn(String stage) {
      this.stage = stage;
    }

    @Setup
    public void setup() {
      DeviceContext context = DeviceContext.current();
      SETUPS.computeIfAbsent(stage, s -> Collections.synchronizedList(new ArrayList<>())).add(context);
      if (context.gpus() >= 1) {
        for (int device : context.deviceIds()) {
          String holder = HOLDERS.putIfAbsent(device, stage + " " + context);
          if (holder != null) {
            CLASHES.add(stage + " " + context + " got device " + device + " held by " + holder);
          }
        }
      }
    }

    @Teardown
    public void teardown() {
      DeviceContext context = DeviceContext.current();
      if (context.gpus() >= 1) {
        context.deviceIds().forEach(HOLDERS::remove);
      }
    }

    @StartBundle
    public void startBundle() {
      BUNDLE_DEVICES.computeIfAbsent(stage, s -> ConcurrentHashMap.newKeySet())
          .add(DeviceContext.current().cudaVisibleDevices());
    }

    @ProcessElement
    public void process(@Element Integer value, OutputReceiver<Integer> out) {
      out.output(value + 1);
    }
  }
}
