package io.sluice.transforms.grouping;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.Row;

/**
 * All aggregates of one transform as a single CombineFn, so one Combine computes them together and
 * runners can lift it into partial combines before the shuffle. The accumulator is an array with
 * one slot per aggregate; the output is a Row of the aggregates' columns.
 */
final class AggregatesCombineFn extends CombineFn<Row, Object[], Row> {
  private final List<AggregateFn<Object, Object>> aggregates;
  private final Schema outputSchema;

  @SuppressWarnings("unchecked")
  AggregatesCombineFn(List<Agg> aggs, Schema input, String where) {
    List<AggregateFn<Object, Object>> fns = new ArrayList<>();
    Schema.Builder schema = Schema.builder();
    for (Agg agg : aggs) {
      AggregateFn<Object, Object> fn = (AggregateFn<Object, Object>) agg.bind(input, where);
      fns.add(fn);
      schema.addField(agg.name(), fn.outputType());
    }
    this.aggregates = List.copyOf(fns);
    this.outputSchema = schema.build();
  }

  /** The aggregates' columns, in the order given. */
  Schema outputSchema() {
    return outputSchema;
  }

  @Override
  public Object[] createAccumulator() {
    Object[] accumulators = new Object[aggregates.size()];
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = aggregates.get(i).init();
    }
    return accumulators;
  }

  @Override
  public Object[] addInput(Object[] accumulators, Row row) {
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = aggregates.get(i).accumulate(accumulators[i], row);
    }
    return accumulators;
  }

  @Override
  public Object[] mergeAccumulators(Iterable<Object[]> partials) {
    Iterator<Object[]> it = partials.iterator();
    if (!it.hasNext()) {
      return createAccumulator();
    }
    Object[] merged = it.next();
    while (it.hasNext()) {
      Object[] other = it.next();
      for (int i = 0; i < merged.length; i++) {
        merged[i] = aggregates.get(i).merge(merged[i], other[i]);
      }
    }
    return merged;
  }

  @Override
  public Row extractOutput(Object[] accumulators) {
    List<Object> values = new ArrayList<>(accumulators.length);
    for (int i = 0; i < accumulators.length; i++) {
      values.add(aggregates.get(i).finish(accumulators[i]));
    }
    // build() checks each value against its column type: a custom aggregate's mistake shows here.
    return Row.withSchema(outputSchema).addValues(values).build();
  }

  @Override
  public Coder<Object[]> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    List<Coder<Object>> coders = new ArrayList<>();
    for (AggregateFn<Object, Object> aggregate : aggregates) {
      coders.add(aggregate.accumulatorCoder());
    }
    return new AccumulatorsCoder(coders);
  }

  @Override
  public Coder<Row> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return RowCoder.of(outputSchema);
  }

  /** Encodes each aggregate's accumulator with its own coder, in order. */
  static final class AccumulatorsCoder extends CustomCoder<Object[]> {
    private final List<Coder<Object>> coders;

    AccumulatorsCoder(List<Coder<Object>> coders) {
      this.coders = List.copyOf(coders);
    }

    @Override
    public void encode(Object[] accumulators, OutputStream out) throws IOException {
      for (int i = 0; i < coders.size(); i++) {
        coders.get(i).encode(accumulators[i], out);
      }
    }

    @Override
    public Object[] decode(InputStream in) throws IOException {
      Object[] accumulators = new Object[coders.size()];
      for (int i = 0; i < accumulators.length; i++) {
        accumulators[i] = coders.get(i).decode(in);
      }
      return accumulators;
    }
  }
}
