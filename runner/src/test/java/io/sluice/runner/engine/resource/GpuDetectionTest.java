package io.sluice.runner.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuDetectionTest {
  private static final List<String> TWO_GPUS = List.of(
      "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa)", "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-bbbb)");

  @Test
  void cudaVisibleDevicesWinsOverNvidiaSmi() {
    assertEquals(1, GpuDetection.detect(Map.of("CUDA_VISIBLE_DEVICES", "1"), () -> TWO_GPUS));
    assertEquals(3, GpuDetection.detect(Map.of("CUDA_VISIBLE_DEVICES", "0,2,3"), () -> TWO_GPUS));
  }

  @Test
  void emptyOrInvalidVisibleDevicesMeanNone() {
    assertEquals(0, GpuDetection.detect(Map.of("CUDA_VISIBLE_DEVICES", ""), () -> TWO_GPUS));
    assertEquals(0, GpuDetection.detect(Map.of("CUDA_VISIBLE_DEVICES", "-1"), () -> TWO_GPUS));
  }

  @Test
  void countsTheDevicesNvidiaSmiLists() {
    assertEquals(2, GpuDetection.detect(Map.of(), () -> TWO_GPUS));
    assertEquals(0, GpuDetection.detect(Map.of(), List::of));
    assertEquals(0, GpuDetection.detect(Map.of(), () -> List.of("NVIDIA-SMI has failed because it couldn't communicate")));
  }
}
