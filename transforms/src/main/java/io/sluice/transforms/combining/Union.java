package io.sluice.transforms.combining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PInput;

/**
 * Ray Data's {@code Dataset.union}: every element of every input, duplicates kept, in no order. It
 * is Beam's Flatten, after checking that the inputs agree on their schema (or, without schemas, on
 * their coder), which Flatten does not: it would encode them all with the first input's coder.
 *
 * <pre>{@code
 * PCollection<Row> all = january.apply(Union.with(february, march));
 * PCollection<Row> same = pipeline.apply(Union.of(january, february, march));
 * }</pre>
 *
 * <p>Applied to a PCollection, that PCollection is the first input; applied to the pipeline
 * ({@link PBegin}), the inputs are those given to {@link #of}. An input may be given more than once
 * (its elements then appear once per time), and {@code with()} of nothing passes the input on.
 */
public final class Union<T> extends PTransform<PInput, PCollection<T>> {
  // PCollections are pipeline-construction objects, not something a transform is serialized with.
  private final transient List<PCollection<T>> others;

  private Union(List<PCollection<T>> others) {
    this.others = others;
  }

  /** The union of the input this is applied to and {@code others}. */
  @SafeVarargs
  public static <T> Union<T> with(PCollection<T>... others) {
    return with(others == null ? null : Arrays.asList(others));
  }

  /** The union of the input this is applied to and {@code others}. */
  public static <T> Union<T> with(List<PCollection<T>> others) {
    if (others == null || others.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException("Union.with: the inputs must not be null (pass none for no others)");
    }
    return new Union<>(List.copyOf(others));
  }

  /** The union of {@code inputs}, for applying to the pipeline: {@code pipeline.apply(Union.of(a, b))}. */
  @SafeVarargs
  public static <T> Union<T> of(PCollection<T>... inputs) {
    if (inputs == null || inputs.length == 0) {
      throw new IllegalArgumentException("Union.of needs at least one input; an empty union has no element "
          + "type (use Create.empty(coder) for an empty PCollection)");
    }
    return with(Arrays.asList(inputs));
  }

  @Override
  public PCollection<T> expand(PInput input) {
    List<PCollection<T>> inputs = new ArrayList<>();
    if (input instanceof PCollection<?> first) {
      @SuppressWarnings("unchecked") // Applying to a PCollection<T> is the only way to reach here with one.
      PCollection<T> typed = (PCollection<T>) first;
      inputs.add(typed);
    } else if (!(input instanceof PBegin)) {
      throw new IllegalArgumentException("Union applies to a PCollection or to the pipeline, "
          + "not to " + input.getClass().getSimpleName());
    }
    inputs.addAll(others);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Union has no inputs: give some to Union.of(...)");
    }
    PCollection<T> first = inputs.get(0);
    for (PCollection<T> other : inputs.subList(1, inputs.size())) {
      checkSameShape(first, other);
    }
    return PCollectionList.of(inputs).apply("Flatten", Flatten.pCollections()).setCoder(first.getCoder());
  }

  private void checkSameShape(PCollection<T> first, PCollection<T> other) {
    String transform = "Union";
    if (first.hasSchema() || other.hasSchema()) {
      String otherSchema = other.hasSchema() ? Inputs.describe(other.getSchema()) : "no schema";
      String firstSchema = first.hasSchema() ? Inputs.describe(first.getSchema()) : "no schema";
      if (!first.hasSchema() || !other.hasSchema() || !first.getSchema().equals(other.getSchema())) {
        throw new IllegalArgumentException(transform + ": input '" + other.getName() + "' has " + otherSchema
            + " but input '" + first.getName() + "' has " + firstSchema
            + "; all inputs need the same schema, columns in the same order");
      }
    }
    if (!first.getCoder().equals(other.getCoder())) {
      throw new IllegalArgumentException(transform + ": input '" + other.getName() + "' has coder "
          + other.getCoder() + " but input '" + first.getName() + "' has " + first.getCoder()
          + "; set one coder on all inputs");
    }
  }
}
