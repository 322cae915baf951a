package io.sluice.transforms.rows;

import io.sluice.transforms.Compute;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Ray Data's {@code flat_map}: zero or more outputs per element; otherwise as {@link Map}. */
public final class FlatMap<InputT, OutputT> extends PTransform<PCollection<InputT>, PCollection<OutputT>> {
  private final FlatMapElements<InputT, OutputT> mapping;
  private final Schema outputSchema;

  private FlatMap(FlatMapElements<InputT, OutputT> mapping, Schema outputSchema, Compute compute) {
    this.mapping = mapping;
    this.outputSchema = outputSchema;
    setResourceHints(compute.toHints());
  }

  public static <InputT, OutputT> FlatMap<InputT, OutputT> via(
      SimpleFunction<InputT, ? extends Iterable<OutputT>> fn) {
    return new FlatMap<>(FlatMapElements.via(Map.requireFn(fn)), null, Compute.DEFAULT);
  }

  public static <InputT, OutputT> FlatMap<InputT, OutputT> via(
      SerializableFunction<InputT, ? extends Iterable<OutputT>> fn, TypeDescriptor<OutputT> outputType) {
    if (outputType == null) {
      throw new IllegalArgumentException("FlatMap.via: outputType must not be null (e.g. TypeDescriptors.strings())");
    }
    return new FlatMap<>(FlatMapElements.into(outputType).via(Map.requireFn(fn)), null, Compute.DEFAULT);
  }

  public static FlatMap<Row, Row> rows(SerializableFunction<Row, ? extends Iterable<Row>> fn, Schema outputSchema) {
    if (outputSchema == null) {
      throw new IllegalArgumentException("FlatMap.rows: outputSchema must not be null");
    }
    return new FlatMap<>(FlatMapElements.into(TypeDescriptors.rows()).via(Map.requireFn(fn)), outputSchema,
        Compute.DEFAULT);
  }

  public FlatMap<InputT, OutputT> withCompute(Compute compute) {
    return new FlatMap<>(mapping, outputSchema, compute);
  }

  @Override
  public PCollection<OutputT> expand(PCollection<InputT> input) {
    PCollection<OutputT> output = input.apply("FlatMap", mapping);
    if (outputSchema != null) {
      ((PCollection<Row>) (PCollection<?>) output).setRowSchema(outputSchema);
    }
    return output;
  }
}
