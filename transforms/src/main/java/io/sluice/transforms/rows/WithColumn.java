package io.sluice.transforms.rows;

import org.apache.beam.sdk.schemas.Schema;

/**
 * Ray Data's {@code with_column}: sets column {@code name} to an expression's value, replacing a
 * column of that name in place or appending a new one.
 *
 * <pre>{@code rows.apply(WithColumn.of("total", Expr.col("price").times(Expr.col("qty"))));}</pre>
 */
public final class WithColumn extends Projection.Transform {
  private final String name;
  private final Expr expr;
  private final boolean mayReplace;

  WithColumn(String name, Expr expr, boolean mayReplace) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": column name must not be empty");
    }
    if (expr == null) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name + "': expression must not be null");
    }
    this.name = name;
    this.expr = expr;
    this.mayReplace = mayReplace;
  }

  public static WithColumn of(String name, Expr expr) {
    return new WithColumn(name, expr, true);
  }

  @Override
  String describe() {
    return (mayReplace ? "WithColumn" : "AddColumn") + " '" + name + "'";
  }

  @Override
  Projection plan(Schema input) {
    if (!mayReplace && input.hasField(name)) {
      throw new IllegalArgumentException(describe() + ": column '" + name + "' already exists; "
          + "use WithColumn to replace it");
    }
    return Projection.withColumn(input, name, expr.bind(input, describe()));
  }
}
