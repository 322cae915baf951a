package io.sluice.benchmarks;

import io.sluice.runner.SluicePipelineResult;
import java.lang.management.CompilationMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/** Timing helpers shared by the benchmarks. */
final class TimedRuns {

  private TimedRuns() {}

  /** When a timed run started ({@code System.nanoTime()}) and how long it took. */
  record Timed(long startNanos, long nanos) {}

  /**
   * Runs {@code pipeline} to completion and returns the elapsed nanoseconds from {@code run()} until
   * {@code waitUntilFinish()} returns. Both calls are inside the window because some runners
   * (DirectRunner, Flink attached mode) do all their work inside {@code run()} and others return
   * immediately; only the sum is comparable across runners.
   */
  static long runToDone(Pipeline pipeline) {
    return timeToDone(pipeline).nanos();
  }

  /**
   * {@link #runToDone}, also saying when the run started. With {@code -Dsluice.stats=true}, prints
   * SluiceRunner's per-operator stats after each run.
   */
  static Timed timeToDone(Pipeline pipeline) {
    settle();
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    long elapsed = System.nanoTime() - start;
    if (result instanceof SluicePipelineResult sluice && Boolean.getBoolean("sluice.stats")) {
      System.out.println(sluice.stats());
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Pipeline finished in state " + state + ", expected DONE");
    }
    return new Timed(start, elapsed);
  }

  /**
   * Settles the JVM before a timed section, so work left over from before it is less likely to land
   * on its clock: a full GC for the garbage of earlier runs, then a wait (up to {@link
   * #MAX_JIT_WAIT_MILLIS}) until the JIT has been idle for {@link #JIT_QUIET_MILLIS}: no compilation
   * finished and, where Linux reports it, its compiler threads used no CPU. The JIT compiles in
   * background threads on the cores the run uses, and what building a pipeline or the previous run
   * queued used to be compiled during the next timed run: 140-240 ms of compilation per 0.2 s run
   * here. The compilation counter moves only when a compilation ends, so a long one looked quiet
   * until then: a 294 ms compilation of Guava's multimap code, queued while a pipeline was built,
   * started 140 ms before a timed run and ran on into it (2026-12-07). Compilation the timed run
   * itself triggers still counts. Best effort only: it reduces, not removes, cross-run interference.
   */
  static void settle() {
    System.gc();
    long compiled = compileMillis();
    if (compiled < 0) {
      return;
    }
    long compilerTicks = compilerThreadTicks();
    long deadline = System.nanoTime() + MAX_JIT_WAIT_MILLIS * 1_000_000L;
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < JIT_QUIET_MILLIS * 1_000_000L && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = compileMillis();
      long ticks = compilerThreadTicks();
      if (now != compiled || ticks != compilerTicks) {
        compiled = now;
        compilerTicks = ticks;
        quietSince = System.nanoTime();
      }
    }
  }

  /**
   * CPU time the JIT's compiler threads have used so far, in clock ticks, read from Linux's {@code
   * /proc/self/task}; -1 elsewhere. Threads come and go (HotSpot adds compiler threads on demand),
   * so only a change means anything.
   */
  private static long compilerThreadTicks() {
    Path threads = Path.of("/proc/self/task");
    if (!Files.isDirectory(threads)) {
      return -1;
    }
    long ticks = 0;
    try (DirectoryStream<Path> each = Files.newDirectoryStream(threads)) {
      for (Path thread : each) {
        try {
          // pid (name) state ppid ...: utime and stime are the 14th and 15th fields.
          String stat = Files.readString(thread.resolve("stat"));
          int nameEnd = stat.lastIndexOf(')');
          if (stat.substring(stat.indexOf('(') + 1, nameEnd).contains("CompilerThre")) {
            String[] fields = stat.substring(nameEnd + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks;
  }

  /** Time this JVM's JIT compilers have spent so far, in milliseconds; -1 where not reported. */
  static long compileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  /**
   * Runs {@code warmUpRun} (given the run's index) at least {@code minRuns} times and until {@code
   * minNanos} have passed, as JMH warms up for a time rather than a count: a runner whose run takes
   * 2 s executes its per-run code (translation, set-up, the small stages) once per run, and the JIT
   * goes on compiling it for many runs. Runners with longer runs get fewer. Returns how many runs it
   * took.
   */
  static int warmUpFor(IntConsumer warmUpRun, int minRuns, long minNanos) {
    long start = System.nanoTime();
    int runs = 0;
    while (runs < minRuns || System.nanoTime() - start < minNanos) {
      warmUpRun.accept(runs++);
    }
    return runs;
  }

  private static final long JIT_QUIET_MILLIS = 100;
  private static final long MAX_JIT_WAIT_MILLIS = 3_000;

  static long median(long[] nanos) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
