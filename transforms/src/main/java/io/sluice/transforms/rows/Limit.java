package io.sluice.transforms.rows;

import io.sluice.runner.OutputLimit;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Ray Data's {@code limit(n)}: at most {@code n} elements, any of them (Beam collections have no
 * order; sort first for "the first n"). Each bundle passes on at most n, then one group keeps n.
 * On SluiceRunner, once n have been passed on in the global window, the reads and maps that only
 * feed the limit stop: the rest of the input is never read. In other windowings the limit applies
 * per window and everything is read.
 */
public final class Limit<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final int n;

  private Limit(int n) {
    this.n = n;
  }

  public static <T> Limit<T> of(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Limit n must be >= 0, was " + n);
    }
    return new Limit<>(n);
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    // Keyed in the capping DoFn itself (not in a ParDo after it) so that its output is what
    // leaves for the shuffle, which is where SluiceRunner counts the rows against the limit.
    boolean global = input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
    return input
        .apply("AtMostNPerBundle", ParDo.of(new AtMostPerBundleFn<T>(global ? n : Integer.MAX_VALUE)))
        .setCoder(KvCoder.of(VoidCoder.of(), input.getCoder()))
        .apply("Gather", GroupByKey.create())
        .apply("KeepN", ParDo.of(new FirstNFn<T>(n)))
        .setCoder(input.getCoder());
  }

  /**
   * Passes on the first n elements of each bundle under one key; declares the limit to
   * SluiceRunner. In windowings other than the global one it caps nothing: each window has its own
   * limit, and a bundle may hold many windows.
   */
  private static final class AtMostPerBundleFn<T> extends DoFn<T, KV<Void, T>> implements OutputLimit {
    private final int n;
    private transient int passed;

    AtMostPerBundleFn(int n) {
      this.n = n;
    }

    @Override
    public long maxOutputRows() {
      return n;
    }

    @StartBundle
    public void startBundle() {
      passed = 0;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Void, T>> out) {
      if (passed < n) {
        passed++;
        out.output(KV.of(null, element));
      }
    }
  }

  private static final class FirstNFn<T> extends DoFn<KV<Void, Iterable<T>>, T> {
    private final int n;

    FirstNFn(int n) {
      this.n = n;
    }

    @ProcessElement
    public void process(@Element KV<Void, Iterable<T>> group, OutputReceiver<T> out) {
      int passed = 0;
      for (T element : group.getValue()) {
        if (passed++ >= n) {
          return;
        }
        out.output(element);
      }
    }
  }
}
