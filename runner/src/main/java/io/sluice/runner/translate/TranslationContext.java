package io.sluice.runner.translate;

import io.sluice.runner.plan.LogicalPlan;
import io.sluice.runner.plan.TransformSpec;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/** What translators write to, and small helpers for reading an applied transform. */
public final class TranslationContext {
  private final LogicalPlan plan = new LogicalPlan();

  public void emit(TransformSpec spec) {
    plan.add(spec);
  }

  public LogicalPlan plan() {
    return plan;
  }

  static PCollection<?> mainInput(AppliedPTransform<?, ?, ?> transform) {
    Map<TupleTag<?>, PCollection<?>> inputs = transform.getMainInputs();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(transform.getFullName() + " has " + inputs.size() + " main inputs, expected 1");
    }
    return inputs.values().iterator().next();
  }

  static PCollection<?> output(AppliedPTransform<?, ?, ?> transform) {
    Map<TupleTag<?>, PCollection<?>> outputs = transform.getOutputs();
    if (outputs.size() != 1) {
      throw new IllegalArgumentException(transform.getFullName() + " has " + outputs.size() + " outputs, expected 1");
    }
    PValue output = outputs.values().iterator().next();
    return (PCollection<?>) output;
  }
}
