package io.sluice.runner.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Transform specs in the order the translators emitted them, which is topological. */
public final class LogicalPlan {
  private final List<TransformSpec> specs = new ArrayList<>();

  public void add(TransformSpec spec) {
    specs.add(spec);
  }

  public List<TransformSpec> specs() {
    return Collections.unmodifiableList(specs);
  }
}
