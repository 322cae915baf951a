package io.sluice.transforms.rows;

import io.sluice.transforms.Compute;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code filter}: keeps the elements a predicate accepts, given as a function or, on
 * Rows, as a column expression ({@code Filter.where(Expr.col("score").gt(0.5))}), which keeps
 * rows whose condition is true (not false, not null).
 */
public final class Filter<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private final SerializableFunction<T, Boolean> predicate;
  private final Expr condition;

  private Filter(SerializableFunction<T, Boolean> predicate, Expr condition, Compute compute) {
    this.predicate = predicate;
    this.condition = condition;
    setResourceHints(compute.toHints());
  }

  public static <T> Filter<T> by(SerializableFunction<T, Boolean> predicate) {
    return new Filter<>(Map.requireFn(predicate), null, Compute.DEFAULT);
  }

  public static Filter<Row> where(Expr condition) {
    if (condition == null) {
      throw new IllegalArgumentException("Filter.where: condition must not be null");
    }
    return new Filter<>(null, condition, Compute.DEFAULT);
  }

  public Filter<T> withCompute(Compute compute) {
    return new Filter<>(predicate, condition, compute);
  }

  @Override
  @SuppressWarnings("unchecked")
  public PCollection<T> expand(PCollection<T> input) {
    SerializableFunction<T, Boolean> keep = predicate;
    if (condition != null) {
      if (!input.hasSchema()) {
        throw new IllegalArgumentException("Filter: a column expression needs Rows with a schema");
      }
      Expr.Bound bound = condition.bind(input.getSchema(), "Filter");
      if (bound.type().getTypeName() != org.apache.beam.sdk.schemas.Schema.TypeName.BOOLEAN) {
        throw new IllegalArgumentException("Filter: condition " + condition + " is "
            + bound.type().getTypeName() + ", not true/false");
      }
      keep = row -> Boolean.TRUE.equals(bound.eval((Row) row));
    }
    return input.apply("Filter", ParDo.of(new FilterFn<>(keep))).setCoder(input.getCoder());
  }

  private static final class FilterFn<T> extends DoFn<T, T> {
    private final SerializableFunction<T, Boolean> keep;

    FilterFn(SerializableFunction<T, Boolean> keep) {
      this.keep = keep;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      if (Boolean.TRUE.equals(keep.apply(element))) {
        out.output(element);
      }
    }
  }
}
