package io.sluice.transforms.rows;

import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;

/**
 * Ray Data's {@code add_column}: appends a new column, computed by an expression or by a function
 * of the row; fails if the column exists (replace one with {@link WithColumn}).
 */
public final class AddColumn {
  private AddColumn() {}

  public static WithColumn of(String name, Expr expr) {
    return new WithColumn(name, expr, false);
  }

  /** A column computed by {@code fn}, whose values are of {@code type} (nullable if fn may return null). */
  public static WithColumn of(String name, FieldType type, SerializableFunction<Row, Object> fn) {
    if (type == null || fn == null) {
      throw new IllegalArgumentException("AddColumn '" + name + "': type and function must not be null");
    }
    return new WithColumn(name, new FunctionExpr(type, fn), false);
  }

  private static final class FunctionExpr extends Expr {
    private final FieldType type;
    private final SerializableFunction<Row, Object> fn;

    FunctionExpr(FieldType type, SerializableFunction<Row, Object> fn) {
      this.type = type;
      this.fn = fn;
    }

    @Override
    public Bound bind(org.apache.beam.sdk.schemas.Schema schema, String transform) {
      return new Bound(type) {
        @Override
        public Object eval(Row row) {
          return fn.apply(row);
        }
      };
    }

    @Override
    public String toString() {
      return "fn(row)";
    }
  }
}
