package io.sluice.transforms.split;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Ray Data's {@code train_test_split(test_size, shuffle=True, seed)} as a portable Beam transform:
 * a train and a test part of exact sizes, together the whole input.
 *
 * <pre>{@code
 * TrainTestSplit.Result<Row> split = rows.apply(TrainTestSplit.of(0.25, 42));
 * split.train().apply(...); split.test().apply(...);
 * }</pre>
 *
 * <p>Sizes follow Ray: with a fraction f, train gets floor(N * (1 - f)) elements and test the rest
 * (so 8 rows at 0.25 give 6 and 2, and test is rounded up); with {@link #ofRows} test gets exactly
 * that many (all of them if the input is smaller). The fraction must be strictly between 0 and 1,
 * as in Ray. Where Ray would raise because train comes out empty (tiny inputs), train is empty.
 * Ray splits unshuffled data by block order, which Beam does not have: here the elements are always
 * put in a seeded {@code RandomShuffle} order first, the same on every runner for a seed.
 */
public final class TrainTestSplit<T> extends PTransform<PCollection<T>, TrainTestSplit.Result<T>> {
  private final double testFraction;
  private final long testRows;
  private final long seed;

  private TrainTestSplit(double testFraction, long testRows, long seed) {
    this.testFraction = testFraction;
    this.testRows = testRows;
    this.seed = seed;
  }

  /** A test part of {@code testFraction} of the elements, rounded as Ray rounds it. */
  public static <T> TrainTestSplit<T> of(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("TrainTestSplit testFraction must be between 0 and 1 (exclusive), was "
          + testFraction + "; for an exact test size use TrainTestSplit.ofRows(rows, seed)");
    }
    return new TrainTestSplit<>(testFraction, -1, seed);
  }

  /** A test part of exactly {@code testRows} elements (Ray's integer {@code test_size}). */
  public static <T> TrainTestSplit<T> ofRows(long testRows, long seed) {
    if (testRows < 1) {
      throw new IllegalArgumentException("TrainTestSplit testRows must be >= 1, was " + testRows);
    }
    return new TrainTestSplit<>(0, testRows, seed);
  }

  @Override
  public Result<T> expand(PCollection<T> input) {
    double fraction = testFraction;
    long rows = testRows;
    PositionSplit.Cuts cuts = rows > 0
        ? total -> new long[] {Math.max(0, total - rows)}
        : total -> new long[] {(long) (total * (1 - fraction))};
    PCollectionList<T> parts = input.apply("Split",
        new PositionSplit<>("TrainTestSplit", seed, 2, cuts));
    return new Result<>(input.getPipeline(), parts.get(0), parts.get(1));
  }

  /** The two parts, named. */
  public static final class Result<T> implements POutput {
    private final Pipeline pipeline;
    private final PCollection<T> train;
    private final PCollection<T> test;
    private final TupleTag<T> trainTag = new TupleTag<>("train");
    private final TupleTag<T> testTag = new TupleTag<>("test");

    private Result(Pipeline pipeline, PCollection<T> train, PCollection<T> test) {
      this.pipeline = pipeline;
      this.train = train;
      this.test = test;
    }

    public PCollection<T> train() {
      return train;
    }

    public PCollection<T> test() {
      return test;
    }

    @Override
    public Pipeline getPipeline() {
      return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      Map<TupleTag<?>, PValue> outputs = new LinkedHashMap<>();
      outputs.put(trainTag, train);
      outputs.put(testTag, test);
      return outputs;
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {
      train.finishSpecifyingOutput(transformName, input, transform);
      test.finishSpecifyingOutput(transformName, input, transform);
    }
  }
}
