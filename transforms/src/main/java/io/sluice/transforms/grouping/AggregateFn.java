package io.sluice.transforms.grouping;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * A custom aggregate in the shape of Ray Data's {@code AggregateFn}: start an accumulator, fold
 * each row of a group into it, merge partial accumulators, and turn the result into one value.
 * Pass it to {@link Agg#of(AggregateFn, String)}.
 *
 * <p>Partial accumulators are built before the shuffle and merged after it, so {@link #merge} must
 * be associative and commutative, and the accumulator must round-trip through {@link
 * #accumulatorCoder()}. {@link #accumulate} and {@link #merge} may update their first argument and
 * return it (cheapest) or return a new accumulator. Unlike the built-in aggregates, a custom one
 * sees every row, nulls included: it decides itself what a null means.
 *
 * @param <AccumT> the accumulator
 * @param <OutputT> the value written to the output column, of type {@link #outputType()}
 */
public interface AggregateFn<AccumT, OutputT> extends Serializable {
  /** A new, empty accumulator (Ray's {@code init}). */
  AccumT init();

  /** Folds one row of the group into the accumulator (Ray's {@code accumulate_row}). */
  AccumT accumulate(AccumT accumulator, Row row);

  /** Combines two partial accumulators of the same group (Ray's {@code merge}). */
  AccumT merge(AccumT accumulator, AccumT other);

  /**
   * The aggregate's value for a finished accumulator (Ray's {@code finalize}, renamed so as not to
   * read like {@link Object}'s); may be null. A global aggregate over no rows gets {@code
   * finish(init())}.
   */
  OutputT finish(AccumT accumulator);

  /** The schema type of the output column; make it nullable if {@link #finish} may return null. */
  FieldType outputType();

  /** How the accumulator is encoded when partial results cross the shuffle. */
  Coder<AccumT> accumulatorCoder();
}
