package io.sluice.transforms.grouping;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.Row;

/**
 * A plain Beam {@link CombineFn} applied to the values of one column. It skips nulls and yields
 * null for a group without a non-null value, like the built-in aggregates, so it counts the values
 * it was given alongside the CombineFn's own accumulator.
 */
record ColumnCombineAggregate<InputT, AccumT, OutputT>(
    CombineFn<InputT, AccumT, OutputT> fn, int column, FieldType outputType, Coder<AccumT> fnAccumulatorCoder)
    implements AggregateFn<ColumnCombineAggregate.Counted<AccumT>, OutputT> {

  static final class Counted<AccumT> {
    long count;
    AccumT accumulator;

    Counted(long count, AccumT accumulator) {
      this.count = count;
      this.accumulator = accumulator;
    }
  }

  @Override
  public Counted<AccumT> init() {
    return new Counted<>(0, fn.createAccumulator());
  }

  @Override
  public Counted<AccumT> accumulate(Counted<AccumT> counted, Row row) {
    InputT value = row.getValue(column);
    if (value != null) {
      counted.count++;
      counted.accumulator = fn.addInput(counted.accumulator, value);
    }
    return counted;
  }

  @Override
  public Counted<AccumT> merge(Counted<AccumT> counted, Counted<AccumT> other) {
    counted.count += other.count;
    counted.accumulator = fn.mergeAccumulators(List.of(counted.accumulator, other.accumulator));
    return counted;
  }

  @Override
  public OutputT finish(Counted<AccumT> counted) {
    return counted.count == 0 ? null : fn.extractOutput(counted.accumulator);
  }

  @Override
  public Coder<Counted<AccumT>> accumulatorCoder() {
    return new CountedCoder<>(fnAccumulatorCoder);
  }

  static final class CountedCoder<AccumT> extends CustomCoder<Counted<AccumT>> {
    private final Coder<AccumT> accumulatorCoder;

    CountedCoder(Coder<AccumT> accumulatorCoder) {
      this.accumulatorCoder = accumulatorCoder;
    }

    @Override
    public void encode(Counted<AccumT> counted, OutputStream out) throws IOException {
      VarLongCoder.of().encode(counted.count, out);
      accumulatorCoder.encode(counted.accumulator, out);
    }

    @Override
    public Counted<AccumT> decode(InputStream in) throws IOException {
      long count = VarLongCoder.of().decode(in);
      return new Counted<>(count, accumulatorCoder.decode(in));
    }
  }
}
