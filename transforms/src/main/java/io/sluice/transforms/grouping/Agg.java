package io.sluice.transforms.grouping;

import io.sluice.transforms.ColumnNames;
import java.io.Serializable;
import java.util.Set;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.logicaltypes.Date;
import org.apache.beam.sdk.schemas.logicaltypes.DateTime;
import org.apache.beam.sdk.schemas.logicaltypes.MicrosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.NanosDuration;
import org.apache.beam.sdk.schemas.logicaltypes.NanosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.Time;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * One aggregate of a {@link GroupBy} or a global {@link Aggregate}, Ray Data's {@code Count()},
 * {@code Sum(on)}, {@code Min}, {@code Max}, {@code Mean}, {@code Std} or a custom {@code
 * AggregateFn}. Each becomes one output column, named as Ray names it ({@code count()}, {@code
 * sum(x)}, {@code std(x)}, ...) unless renamed with {@link #as}.
 *
 * <p>Output types: count is INT64 and never null; a sum of an integer column is INT64, of a
 * floating-point column DOUBLE, of a DECIMAL column DECIMAL; mean and std are DOUBLE; min and max
 * keep the column's type. Like Ray's default {@code ignore_nulls=True}, the built-in aggregates
 * skip null values, and yield null where there is no non-null value to aggregate.
 */
public final class Agg implements Serializable {
  /** Types whose values are {@link Comparable} with each other, so min and max are defined. */
  private static final Set<TypeName> COMPARABLE_TYPES = Set.of(TypeName.BYTE, TypeName.INT16, TypeName.INT32,
      TypeName.INT64, TypeName.FLOAT, TypeName.DOUBLE, TypeName.DECIMAL, TypeName.STRING, TypeName.DATETIME,
      TypeName.BOOLEAN);
  /** Logical types whose Java values (java.time) are comparable. */
  private static final Set<String> COMPARABLE_LOGICAL_TYPES = Set.of(Date.IDENTIFIER, Time.IDENTIFIER,
      DateTime.IDENTIFIER, MicrosInstant.IDENTIFIER, NanosInstant.IDENTIFIER, NanosDuration.IDENTIFIER);

  private final String name;
  /** The input column, or null for an aggregate over whole rows (count(), a custom AggregateFn). */
  private final String column;
  private final Binder binder;

  /** Makes the aggregate's function once the input schema is known, checking the column's type. */
  @FunctionalInterface
  private interface Binder extends Serializable {
    AggregateFn<?, ?> bind(Schema.Field field, int index, String where);
  }

  private Agg(String name, String column, Binder binder) {
    this.name = name;
    this.column = column;
    this.binder = binder;
  }

  /** Ray's {@code Count()}: the number of rows, nulls or not. */
  public static Agg count() {
    return new Agg("count()", null, (field, index, where) -> new BuiltinAggregates.Count(-1));
  }

  /** Ray's {@code Count(on=column)}: the number of non-null values of the column. */
  public static Agg count(String column) {
    return new Agg("count(" + requireColumn("count", column) + ")", column,
        (field, index, where) -> new BuiltinAggregates.Count(index));
  }

  /** Sum of a numeric column: INT64 for integers, DOUBLE for floating point, DECIMAL for decimals. */
  public static Agg sum(String column) {
    return new Agg("sum(" + requireColumn("sum", column) + ")", column, (field, index, where) -> {
      TypeName type = requireNumeric(field, "sum", where);
      if (type == TypeName.DECIMAL) {
        return new BuiltinAggregates.SumOfDecimals(index);
      }
      if (type == TypeName.FLOAT || type == TypeName.DOUBLE) {
        return new BuiltinAggregates.SumOrMean(index, false);
      }
      return new BuiltinAggregates.SumOfIntegers(index);
    });
  }

  /** Smallest value of a column of comparable values (numbers, strings, booleans, datetimes). */
  public static Agg min(String column) {
    return extreme("min", column, false);
  }

  /** Largest value of a column of comparable values (numbers, strings, booleans, datetimes). */
  public static Agg max(String column) {
    return extreme("max", column, true);
  }

  /** Mean of a numeric column, as DOUBLE. */
  public static Agg mean(String column) {
    return new Agg("mean(" + requireColumn("mean", column) + ")", column, (field, index, where) -> {
      requireNumeric(field, "mean", where);
      return new BuiltinAggregates.SumOrMean(index, true);
    });
  }

  /** Sample standard deviation (ddof=1, Ray's default) of a numeric column, as DOUBLE. */
  public static Agg std(String column) {
    return std(column, 1);
  }

  /**
   * Standard deviation with {@code ddof} delta degrees of freedom (0 for the population deviation).
   * NaN, as in Ray, where a group has no more than {@code ddof} non-null values.
   */
  public static Agg std(String column, int ddof) {
    if (ddof < 0) {
      throw new IllegalArgumentException("Agg.std: ddof must be >= 0 (1 for the sample deviation), was " + ddof);
    }
    return new Agg("std(" + requireColumn("std", column) + ")", column, (field, index, where) -> {
      requireNumeric(field, "std", where);
      return new BuiltinAggregates.Std(index, ddof);
    });
  }

  /** A custom aggregate over whole rows, written to the column {@code name}. */
  public static Agg of(AggregateFn<?, ?> fn, String name) {
    if (fn == null) {
      throw new IllegalArgumentException("Agg.of: fn must not be null");
    }
    if (fn.outputType() == null) {
      throw new IllegalArgumentException("Agg.of: " + fn.getClass().getName() + ".outputType() returned null; "
          + "return the schema type of its output column");
    }
    return new Agg(requireName("Agg.of", name), null, (field, index, where) -> fn);
  }

  /**
   * A Beam {@link CombineFn} over the non-null values of {@code column}, written to the column
   * {@code name} of type {@code outputType} (made nullable: a group without non-null values gets
   * null). For example {@code Agg.of(Max.ofIntegers(), "x", FieldType.INT32, "top")}.
   */
  public static <InputT, OutputT> Agg of(CombineFn<InputT, ?, OutputT> fn, String column, FieldType outputType,
      String name) {
    if (fn == null || outputType == null) {
      throw new IllegalArgumentException("Agg.of: the CombineFn and its outputType must not be null");
    }
    requireColumn("of", column);
    return new Agg(requireName("Agg.of", name), column,
        (field, index, where) -> overColumn(fn, field, index, outputType, where));
  }

  private static <InputT, AccumT, OutputT> AggregateFn<?, ?> overColumn(CombineFn<InputT, AccumT, OutputT> fn,
      Schema.Field field, int index, FieldType outputType, String where) {
    Coder<AccumT> accumulatorCoder;
    try {
      accumulatorCoder = fn.getAccumulatorCoder(CoderRegistry.createDefault(), FieldValueCoder.of(field.getType()));
    } catch (CannotProvideCoderException e) {
      throw new IllegalArgumentException(where + ": no coder for the accumulator of " + fn.getClass().getName()
          + " over column '" + field.getName() + "'; override its getAccumulatorCoder", e);
    }
    return new ColumnCombineAggregate<>(fn, index, outputType.withNullable(true), accumulatorCoder);
  }

  private static Agg extreme(String kind, String column, boolean max) {
    return new Agg(kind + "(" + requireColumn(kind, column) + ")", column, (field, index, where) -> {
      FieldType type = field.getType();
      boolean comparable = type.getTypeName().isLogicalType()
          ? COMPARABLE_LOGICAL_TYPES.contains(type.getLogicalType().getIdentifier())
          : COMPARABLE_TYPES.contains(type.getTypeName());
      if (!comparable) {
        throw new IllegalArgumentException(where + ": " + kind + "(" + field.getName() + ") needs a column of "
            + "comparable values (numbers, strings, booleans, datetimes), but '" + field.getName() + "' is "
            + type);
      }
      return new BuiltinAggregates.Extreme(index, max, type);
    });
  }

  /** The same aggregate, written to the column {@code alias} (Ray's {@code alias_name}). */
  public Agg as(String alias) {
    return new Agg(requireName("Agg.as", alias), column, binder);
  }

  /** The output column's name. */
  public String name() {
    return name;
  }

  /** This aggregate's function over rows of {@code input}; {@code where} names the transform in errors. */
  AggregateFn<?, ?> bind(Schema input, String where) {
    if (column == null) {
      return binder.bind(null, -1, where);
    }
    int index = ColumnNames.indexOf(input, column, where);
    return binder.bind(input.getField(index), index, where);
  }

  @Override
  public String toString() {
    return name;
  }

  private static TypeName requireNumeric(Schema.Field field, String kind, String where) {
    TypeName type = field.getType().getTypeName();
    if (!type.isNumericType()) {
      throw new IllegalArgumentException(where + ": " + kind + "(" + field.getName() + ") needs a numeric column, "
          + "but '" + field.getName() + "' is " + field.getType());
    }
    return type;
  }

  private static String requireColumn(String kind, String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("Agg." + kind + ": column must be a column name, was "
          + (column == null ? "null" : "empty"));
    }
    return column;
  }

  private static String requireName(String method, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(method + ": the output column name must not be "
          + (name == null ? "null" : "empty"));
    }
    return name;
  }
}
