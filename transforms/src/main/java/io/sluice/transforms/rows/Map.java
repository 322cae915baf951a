package io.sluice.transforms.rows;

import io.sluice.transforms.Compute;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Ray Data's {@code map}: one output per element, as stateless tasks holding what {@link Compute}
 * asks for. Runs as Beam's MapElements, so output types and coders are inferred the same way.
 *
 * <pre>{@code
 * words.apply(Map.via(String::length, TypeDescriptors.integers()).withCompute(Compute.DEFAULT.withConcurrency(4)));
 * rows.apply(Map.rows(row -> Row.withSchema(out).addValue(row.getString("s").length()).build(), out));
 * }</pre>
 */
public final class Map<InputT, OutputT> extends PTransform<PCollection<InputT>, PCollection<OutputT>> {
  private final MapElements<InputT, OutputT> mapping;
  private final Schema outputSchema;

  private Map(MapElements<InputT, OutputT> mapping, Schema outputSchema, Compute compute) {
    this.mapping = mapping;
    this.outputSchema = outputSchema;
    // Hints on this composite reach the ParDo inside it, where runners read them.
    setResourceHints(compute.toHints());
  }

  /** A function whose output type is known from its class (a SimpleFunction subclass). */
  public static <InputT, OutputT> Map<InputT, OutputT> via(SimpleFunction<InputT, OutputT> fn) {
    return new Map<>(MapElements.via(requireFn(fn)), null, Compute.DEFAULT);
  }

  /** A function (often a lambda) and its output type, which a lambda's erased types cannot tell. */
  public static <InputT, OutputT> Map<InputT, OutputT> via(
      SerializableFunction<InputT, OutputT> fn, TypeDescriptor<OutputT> outputType) {
    if (outputType == null) {
      throw new IllegalArgumentException("Map.via: outputType must not be null (e.g. TypeDescriptors.strings())");
    }
    return new Map<>(MapElements.into(outputType).via(requireFn(fn)), null, Compute.DEFAULT);
  }

  /** A function from Row to Row; its outputs have {@code outputSchema}. */
  public static Map<Row, Row> rows(SerializableFunction<Row, Row> fn, Schema outputSchema) {
    if (outputSchema == null) {
      throw new IllegalArgumentException("Map.rows: outputSchema must not be null");
    }
    return new Map<>(MapElements.into(TypeDescriptors.rows()).via(requireFn(fn)), outputSchema, Compute.DEFAULT);
  }

  public Map<InputT, OutputT> withCompute(Compute compute) {
    return new Map<>(mapping, outputSchema, compute);
  }

  static <T> T requireFn(T fn) {
    if (fn == null) {
      throw new IllegalArgumentException("the function must not be null");
    }
    return fn;
  }

  @Override
  public PCollection<OutputT> expand(PCollection<InputT> input) {
    PCollection<OutputT> output = input.apply("Map", mapping);
    if (outputSchema != null) {
      ((PCollection<Row>) (PCollection<?>) output).setRowSchema(outputSchema);
    }
    return output;
  }
}
