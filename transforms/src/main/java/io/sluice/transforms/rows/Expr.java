package io.sluice.transforms.rows;

import io.sluice.transforms.ColumnNames;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;

/**
 * A column expression on Beam Rows, in the spirit of Ray Data's {@code col("x") > 5}: columns,
 * literals, arithmetic, comparisons and boolean logic. Used by {@link Filter#where} and {@link
 * WithColumn}. Expressions are checked against the input schema when the pipeline is built, so an
 * unknown column or a type mismatch fails before anything runs.
 *
 * <p>Nulls follow SQL: arithmetic and comparisons with a null give null, {@code and}/{@code or}
 * use three-valued logic, and {@link Filter#where} keeps only rows whose condition is true.
 * Integer arithmetic gives INT64, arithmetic involving a float or a division gives DOUBLE.
 */
public abstract class Expr implements Serializable {
  Expr() {}

  /** The value of column {@code name}. */
  public static Expr col(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expr.col: column name must not be empty");
    }
    return new Column(name);
  }

  /** A constant: a number, string or boolean (null is allowed and typed by its use). */
  public static Expr lit(Object value) {
    if (value != null && !(value instanceof Number || value instanceof String || value instanceof Boolean)) {
      throw new IllegalArgumentException("Expr.lit takes a number, string, boolean or null, not " + value.getClass().getName());
    }
    return new Literal(value);
  }

  private static Expr of(Object valueOrExpr) {
    return valueOrExpr instanceof Expr e ? e : lit(valueOrExpr);
  }

  public Expr plus(Object other) {
    return new Arithmetic(Op.PLUS, this, of(other));
  }

  public Expr minus(Object other) {
    return new Arithmetic(Op.MINUS, this, of(other));
  }

  public Expr times(Object other) {
    return new Arithmetic(Op.TIMES, this, of(other));
  }

  public Expr div(Object other) {
    return new Arithmetic(Op.DIV, this, of(other));
  }

  public Expr eq(Object other) {
    return new Comparison(Op.EQ, this, of(other));
  }

  public Expr ne(Object other) {
    return new Comparison(Op.NE, this, of(other));
  }

  public Expr lt(Object other) {
    return new Comparison(Op.LT, this, of(other));
  }

  public Expr le(Object other) {
    return new Comparison(Op.LE, this, of(other));
  }

  public Expr gt(Object other) {
    return new Comparison(Op.GT, this, of(other));
  }

  public Expr ge(Object other) {
    return new Comparison(Op.GE, this, of(other));
  }

  public Expr and(Expr other) {
    return new Logic(Op.AND, this, other);
  }

  public Expr or(Expr other) {
    return new Logic(Op.OR, this, other);
  }

  public Expr not() {
    return new Not(this);
  }

  public Expr isNull() {
    return new NullCheck(this, true);
  }

  public Expr isNotNull() {
    return new NullCheck(this, false);
  }

  /**
   * Checks the expression against {@code schema} and prepares it for evaluation; {@code transform}
   * names the step in errors.
   */
  public abstract Bound bind(Schema schema, String transform);

  /** A checked expression: its result type, and how to compute it from a row. */
  public abstract static class Bound implements Serializable {
    private final FieldType type;

    Bound(FieldType type) {
      this.type = type;
    }

    /** The result type, nullable when the result can be null. */
    public FieldType type() {
      return type;
    }

    /** The value for {@code row}, or null. */
    public abstract Object eval(Row row);
  }

  private enum Op {
    PLUS("+"), MINUS("-"), TIMES("*"), DIV("/"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    AND("and"), OR("or");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  private static boolean isNumeric(FieldType type) {
    return type.getTypeName().isNumericType() && type.getTypeName() != TypeName.DECIMAL;
  }

  private static boolean isFloating(FieldType type) {
    return type.getTypeName() == TypeName.FLOAT || type.getTypeName() == TypeName.DOUBLE;
  }

  private static final class Column extends Expr {
    private final String name;

    Column(String name) {
      this.name = name;
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      int index = ColumnNames.indexOf(schema, name, transform);
      return new Bound(schema.getField(index).getType()) {
        @Override
        public Object eval(Row row) {
          return row.getValue(index);
        }
      };
    }

    @Override
    public String toString() {
      return "col(\"" + name + "\")";
    }
  }

  private static final class Literal extends Expr {
    private final Object value;

    Literal(Object value) {
      this.value = value;
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Object constant = value;
      return new Bound(typeOf(value)) {
        @Override
        public Object eval(Row row) {
          return constant;
        }
      };
    }

    private static FieldType typeOf(Object value) {
      if (value == null) {
        return FieldType.INT64.withNullable(true); // an untyped null: any arithmetic with it is null
      } else if (value instanceof Double || value instanceof Float) {
        return FieldType.DOUBLE;
      } else if (value instanceof Number) {
        return FieldType.INT64;
      } else if (value instanceof String) {
        return FieldType.STRING;
      }
      return FieldType.BOOLEAN;
    }

    @Override
    public String toString() {
      return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
  }

  /** An operator between two operands. */
  private abstract static class Binary extends Expr {
    final Op op;
    final Expr left;
    final Expr right;

    Binary(Op op, Expr left, Expr right) {
      this.op = op;
      this.left = Objects.requireNonNull(left, "operand");
      this.right = Objects.requireNonNull(right, "operand");
    }

    @Override
    public String toString() {
      return "(" + left + " " + op.symbol + " " + right + ")";
    }
  }

  private static final class Arithmetic extends Binary {
    Arithmetic(Op op, Expr left, Expr right) {
      super(op, left, right);
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Bound l = left.bind(schema, transform);
      Bound r = right.bind(schema, transform);
      if (!isNumeric(l.type()) || !isNumeric(r.type())) {
        throw new IllegalArgumentException(transform + ": " + this + " needs numbers, but its operands are "
            + l.type().getTypeName() + " and " + r.type().getTypeName());
      }
      boolean floating = op == Op.DIV || isFloating(l.type()) || isFloating(r.type());
      boolean nullable = l.type().getNullable() || r.type().getNullable() || op == Op.DIV && !floating;
      FieldType type = (floating ? FieldType.DOUBLE : FieldType.INT64).withNullable(nullable);
      Op operator = op;
      return new Bound(type) {
        @Override
        public Object eval(Row row) {
          Number a = (Number) l.eval(row);
          Number b = (Number) r.eval(row);
          if (a == null || b == null) {
            return null;
          }
          if (floating) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            return switch (operator) {
              case PLUS -> x + y;
              case MINUS -> x - y;
              case TIMES -> x * y;
              default -> x / y;
            };
          }
          long x = a.longValue();
          long y = b.longValue();
          return switch (operator) {
            case PLUS -> x + y;
            case MINUS -> x - y;
            default -> x * y;
          };
        }
      };
    }

  }

  private static final class Comparison extends Binary {
    Comparison(Op op, Expr left, Expr right) {
      super(op, left, right);
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Bound l = left.bind(schema, transform);
      Bound r = right.bind(schema, transform);
      boolean numeric = isNumeric(l.type()) && isNumeric(r.type());
      boolean floating = numeric && (isFloating(l.type()) || isFloating(r.type()));
      if (!numeric && !comparable(l.type(), r.type())) {
        throw new IllegalArgumentException(transform + ": " + this + " compares " + l.type().getTypeName()
            + " with " + r.type().getTypeName() + "; compare numbers with numbers, or values of one type");
      }
      Op operator = op;
      return new Bound(FieldType.BOOLEAN.withNullable(l.type().getNullable() || r.type().getNullable())) {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object eval(Row row) {
          Object a = l.eval(row);
          Object b = r.eval(row);
          if (a == null || b == null) {
            return null;
          }
          int order;
          if (floating) {
            order = Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
          } else if (numeric) {
            order = Long.compare(((Number) a).longValue(), ((Number) b).longValue());
          } else {
            order = ((Comparable) a).compareTo(b);
          }
          return switch (operator) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            default -> order >= 0;
          };
        }
      };
    }

    private static boolean comparable(FieldType a, FieldType b) {
      TypeName name = a.getTypeName();
      return name == b.getTypeName()
          && List.of(TypeName.STRING, TypeName.BOOLEAN, TypeName.DATETIME, TypeName.DECIMAL).contains(name);
    }

  }

  private static final class Logic extends Binary {
    Logic(Op op, Expr left, Expr right) {
      super(op, left, right);
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Bound l = booleanOperand(left, schema, transform, this);
      Bound r = booleanOperand(right, schema, transform, this);
      boolean isAnd = op == Op.AND;
      return new Bound(FieldType.BOOLEAN.withNullable(l.type().getNullable() || r.type().getNullable())) {
        @Override
        public Object eval(Row row) {
          Boolean a = (Boolean) l.eval(row);
          // Three-valued logic: false and null is false, true or null is true.
          if (a != null && a != isAnd) {
            return a;
          }
          Boolean b = (Boolean) r.eval(row);
          if (b != null && b != isAnd) {
            return b;
          }
          return a == null || b == null ? null : isAnd;
        }
      };
    }

  }

  private static Bound booleanOperand(Expr operand, Schema schema, String transform, Expr whole) {
    Bound bound = operand.bind(schema, transform);
    if (bound.type().getTypeName() != TypeName.BOOLEAN) {
      throw new IllegalArgumentException(transform + ": " + whole + " needs true/false operands, but " + operand
          + " is " + bound.type().getTypeName());
    }
    return bound;
  }

  private static final class Not extends Expr {
    private final Expr operand;

    Not(Expr operand) {
      this.operand = operand;
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Bound b = booleanOperand(operand, schema, transform, this);
      return new Bound(b.type()) {
        @Override
        public Object eval(Row row) {
          Boolean value = (Boolean) b.eval(row);
          return value == null ? null : !value;
        }
      };
    }

    @Override
    public String toString() {
      return "not " + operand;
    }
  }

  private static final class NullCheck extends Expr {
    private final Expr operand;
    private final boolean wantNull;

    NullCheck(Expr operand, boolean wantNull) {
      this.operand = operand;
      this.wantNull = wantNull;
    }

    @Override
    public Bound bind(Schema schema, String transform) {
      Bound b = operand.bind(schema, transform);
      boolean want = wantNull;
      return new Bound(FieldType.BOOLEAN) {
        @Override
        public Object eval(Row row) {
          return (b.eval(row) == null) == want;
        }
      };
    }

    @Override
    public String toString() {
      return operand + (wantNull ? " is null" : " is not null");
    }
  }
}
