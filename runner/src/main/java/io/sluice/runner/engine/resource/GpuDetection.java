package io.sluice.runner.engine.resource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How many GPUs this process may use: CUDA_VISIBLE_DEVICES when it is set (the process was given a
 * subset), else the devices {@code nvidia-smi -L} lists, else none.
 */
public final class GpuDetection {
  private GpuDetection() {}

  /**
   * Detected once per JVM: the environment of a process and its devices do not change while it
   * runs, and asking again costs every run a process launch (2-4 ms here, where the launch fails;
   * far more where nvidia-smi exists and wakes the driver).
   */
  private static final class Detected {
    static final int GPUS = detect(System.getenv(), GpuDetection::nvidiaSmiList);
  }

  public static int detect() {
    return Detected.GPUS;
  }

  /** @param nvidiaSmiList the lines {@code nvidia-smi -L} prints, or an empty list without it */
  static int detect(Map<String, String> environment, Supplier<List<String>> nvidiaSmiList) {
    String visible = environment.get("CUDA_VISIBLE_DEVICES");
    if (visible != null) {
      String trimmed = visible.trim();
      // CUDA treats an empty list, and a list starting with an invalid id such as -1, as no device.
      if (trimmed.isEmpty() || trimmed.startsWith("-")) {
        return 0;
      }
      return trimmed.split(",").length;
    }
    return (int) nvidiaSmiList.get().stream().filter(line -> line.startsWith("GPU ")).count();
  }

  private static List<String> nvidiaSmiList() {
    try {
      Process process = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
      List<String> lines;
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        lines = reader.lines().toList();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return List.of();
      }
      return process.exitValue() == 0 ? lines : List.of();
    } catch (Exception e) {
      return List.of(); // no nvidia-smi: no NVIDIA GPU this process can use
    }
  }
}
