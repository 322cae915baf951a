package io.sluice.transforms.grouping;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * The built-in aggregates over one input column (by index): count, sum, mean, std, min and max.
 * Like Ray's default {@code ignore_nulls=True}, each skips null values and yields null when it saw
 * none; only a count is never null. Accumulators are small mutable holders updated in place, so
 * folding a row allocates nothing.
 */
final class BuiltinAggregates {
  private static final VarLongCoder LONGS = VarLongCoder.of();
  private static final DoubleCoder DOUBLES = DoubleCoder.of();

  private BuiltinAggregates() {}

  /** {@code count()} counts rows ({@code column < 0}); {@code count(x)} counts non-null values of x. */
  record Count(int column) implements AggregateFn<Count.Counter, Long> {
    static final class Counter {
      long count;
    }

    @Override
    public Counter init() {
      return new Counter();
    }

    @Override
    public Counter accumulate(Counter counter, Row row) {
      if (column < 0 || row.getValue(column) != null) {
        counter.count++;
      }
      return counter;
    }

    @Override
    public Counter merge(Counter counter, Counter other) {
      counter.count += other.count;
      return counter;
    }

    @Override
    public Long finish(Counter counter) {
      return counter.count;
    }

    @Override
    public FieldType outputType() {
      return FieldType.INT64;
    }

    @Override
    public Coder<Counter> accumulatorCoder() {
      return new CounterCoder();
    }

    static final class CounterCoder extends CustomCoder<Counter> {
      @Override
      public void encode(Counter counter, OutputStream out) throws IOException {
        LONGS.encode(counter.count, out);
      }

      @Override
      public Counter decode(InputStream in) throws IOException {
        Counter counter = new Counter();
        counter.count = LONGS.decode(in);
        return counter;
      }
    }
  }

  /** Sum of an integer column, exact in a long (overflow fails the run rather than wrapping). */
  record SumOfIntegers(int column) implements AggregateFn<SumOfIntegers.LongSum, Long> {
    static final class LongSum {
      long count;
      long sum;
    }

    @Override
    public LongSum init() {
      return new LongSum();
    }

    @Override
    public LongSum accumulate(LongSum sum, Row row) {
      Number value = row.getValue(column);
      if (value != null) {
        sum.count++;
        sum.sum = Math.addExact(sum.sum, value.longValue());
      }
      return sum;
    }

    @Override
    public LongSum merge(LongSum sum, LongSum other) {
      sum.count += other.count;
      sum.sum = Math.addExact(sum.sum, other.sum);
      return sum;
    }

    @Override
    public Long finish(LongSum sum) {
      return sum.count == 0 ? null : sum.sum;
    }

    @Override
    public FieldType outputType() {
      return FieldType.INT64.withNullable(true);
    }

    @Override
    public Coder<LongSum> accumulatorCoder() {
      return new LongSumCoder();
    }

    static final class LongSumCoder extends CustomCoder<LongSum> {
      @Override
      public void encode(LongSum sum, OutputStream out) throws IOException {
        LONGS.encode(sum.count, out);
        LONGS.encode(sum.sum, out);
      }

      @Override
      public LongSum decode(InputStream in) throws IOException {
        LongSum sum = new LongSum();
        sum.count = LONGS.decode(in);
        sum.sum = LONGS.decode(in);
        return sum;
      }
    }
  }

  /** Sum of a DECIMAL column, exact. */
  record SumOfDecimals(int column) implements AggregateFn<SumOfDecimals.DecimalSum, BigDecimal> {
    static final class DecimalSum {
      long count;
      BigDecimal sum = BigDecimal.ZERO;
    }

    @Override
    public DecimalSum init() {
      return new DecimalSum();
    }

    @Override
    public DecimalSum accumulate(DecimalSum sum, Row row) {
      BigDecimal value = row.getValue(column);
      if (value != null) {
        sum.count++;
        sum.sum = sum.sum.add(value);
      }
      return sum;
    }

    @Override
    public DecimalSum merge(DecimalSum sum, DecimalSum other) {
      sum.count += other.count;
      sum.sum = sum.sum.add(other.sum);
      return sum;
    }

    @Override
    public BigDecimal finish(DecimalSum sum) {
      return sum.count == 0 ? null : sum.sum;
    }

    @Override
    public FieldType outputType() {
      return FieldType.DECIMAL.withNullable(true);
    }

    @Override
    public Coder<DecimalSum> accumulatorCoder() {
      return new DecimalSumCoder();
    }

    static final class DecimalSumCoder extends CustomCoder<DecimalSum> {
      @Override
      public void encode(DecimalSum sum, OutputStream out) throws IOException {
        LONGS.encode(sum.count, out);
        BigDecimalCoder.of().encode(sum.sum, out);
      }

      @Override
      public DecimalSum decode(InputStream in) throws IOException {
        DecimalSum sum = new DecimalSum();
        sum.count = LONGS.decode(in);
        sum.sum = BigDecimalCoder.of().decode(in);
        return sum;
      }
    }
  }

  /** Sum ({@code mean == false}) or mean of a numeric column, in doubles. */
  record SumOrMean(int column, boolean mean) implements AggregateFn<SumOrMean.DoubleSum, Double> {
    static final class DoubleSum {
      long count;
      double sum;
    }

    @Override
    public DoubleSum init() {
      return new DoubleSum();
    }

    @Override
    public DoubleSum accumulate(DoubleSum sum, Row row) {
      Number value = row.getValue(column);
      if (value != null) {
        sum.count++;
        sum.sum += value.doubleValue();
      }
      return sum;
    }

    @Override
    public DoubleSum merge(DoubleSum sum, DoubleSum other) {
      sum.count += other.count;
      sum.sum += other.sum;
      return sum;
    }

    @Override
    public Double finish(DoubleSum sum) {
      if (sum.count == 0) {
        return null;
      }
      return mean ? sum.sum / sum.count : sum.sum;
    }

    @Override
    public FieldType outputType() {
      return FieldType.DOUBLE.withNullable(true);
    }

    @Override
    public Coder<DoubleSum> accumulatorCoder() {
      return new DoubleSumCoder();
    }

    static final class DoubleSumCoder extends CustomCoder<DoubleSum> {
      @Override
      public void encode(DoubleSum sum, OutputStream out) throws IOException {
        LONGS.encode(sum.count, out);
        DOUBLES.encode(sum.sum, out);
      }

      @Override
      public DoubleSum decode(InputStream in) throws IOException {
        DoubleSum sum = new DoubleSum();
        sum.count = LONGS.decode(in);
        sum.sum = DOUBLES.decode(in);
        return sum;
      }
    }
  }

  /**
   * Standard deviation with {@code ddof} delta degrees of freedom (Ray's default is 1, the sample
   * deviation). Welford's update per value and Chan's formula to merge partials, both on values
   * less a shift (the first value seen): with a large mean and a small spread the deltas then stay
   * small and keep their digits, where a sum of squares would lose them all.
   */
  record Std(int column, int ddof) implements AggregateFn<Std.Moments, Double> {
    static final class Moments {
      long count;
      double shift;
      /** Mean of (value - shift). */
      double mean;
      /** Sum of squared deviations from the mean. */
      double m2;
    }

    @Override
    public Moments init() {
      return new Moments();
    }

    @Override
    public Moments accumulate(Moments moments, Row row) {
      Number number = row.getValue(column);
      if (number == null) {
        return moments;
      }
      double value = number.doubleValue();
      if (moments.count == 0) {
        moments.shift = value;
      }
      double shifted = value - moments.shift;
      moments.count++;
      double delta = shifted - moments.mean;
      moments.mean += delta / moments.count;
      moments.m2 += delta * (shifted - moments.mean);
      return moments;
    }

    @Override
    public Moments merge(Moments moments, Moments other) {
      if (other.count == 0) {
        return moments;
      }
      if (moments.count == 0) {
        return other;
      }
      double count = (double) moments.count + other.count;
      double delta = other.mean + (other.shift - moments.shift) - moments.mean;
      moments.mean += delta * other.count / count;
      moments.m2 += other.m2 + delta * delta * ((double) moments.count * other.count / count);
      moments.count += other.count;
      return moments;
    }

    @Override
    public Double finish(Moments moments) {
      if (moments.count == 0) {
        return null;
      }
      if (moments.count - ddof <= 0) {
        return Double.NaN; // as Ray (and numpy): undefined for too few values
      }
      return Math.sqrt(Math.max(0, moments.m2 / (moments.count - ddof)));
    }

    @Override
    public FieldType outputType() {
      return FieldType.DOUBLE.withNullable(true);
    }

    @Override
    public Coder<Moments> accumulatorCoder() {
      return new MomentsCoder();
    }

    static final class MomentsCoder extends CustomCoder<Moments> {
      @Override
      public void encode(Moments moments, OutputStream out) throws IOException {
        LONGS.encode(moments.count, out);
        DOUBLES.encode(moments.shift, out);
        DOUBLES.encode(moments.mean, out);
        DOUBLES.encode(moments.m2, out);
      }

      @Override
      public Moments decode(InputStream in) throws IOException {
        Moments moments = new Moments();
        moments.count = LONGS.decode(in);
        moments.shift = DOUBLES.decode(in);
        moments.mean = DOUBLES.decode(in);
        moments.m2 = DOUBLES.decode(in);
        return moments;
      }
    }
  }

  /**
   * Min ({@code max == false}) or max of a column of comparable values; the accumulator is the best
   * value so far (null before the first), so it keeps the column's type.
   */
  record Extreme(int column, boolean max, FieldType type) implements AggregateFn<Object, Object> {
    @Override
    public Object init() {
      return null;
    }

    @Override
    public Object accumulate(Object best, Row row) {
      return better(best, row.getValue(column));
    }

    @Override
    public Object merge(Object best, Object other) {
      return better(best, other);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object better(Object best, Object candidate) {
      if (candidate == null) {
        return best;
      }
      if (best == null) {
        return candidate;
      }
      int order = ((Comparable) candidate).compareTo(best);
      return (max ? order > 0 : order < 0) ? candidate : best;
    }

    @Override
    public Object finish(Object best) {
      return best;
    }

    @Override
    public FieldType outputType() {
      return type.withNullable(true);
    }

    @Override
    public Coder<Object> accumulatorCoder() {
      return FieldValueCoder.of(type);
    }
  }
}
