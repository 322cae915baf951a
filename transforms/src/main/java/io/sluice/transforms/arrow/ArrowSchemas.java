package io.sluice.transforms.arrow;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.LogicalType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.logicaltypes.Date;
import org.apache.beam.sdk.schemas.logicaltypes.DateTime;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.schemas.logicaltypes.FixedBytes;
import org.apache.beam.sdk.schemas.logicaltypes.FixedPrecisionNumeric;
import org.apache.beam.sdk.schemas.logicaltypes.FixedString;
import org.apache.beam.sdk.schemas.logicaltypes.MicrosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.NanosInstant;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.schemas.logicaltypes.Time;
import org.apache.beam.sdk.schemas.logicaltypes.Timestamp;
import org.apache.beam.sdk.schemas.logicaltypes.UuidLogicalType;
import org.apache.beam.sdk.schemas.logicaltypes.VariableBytes;
import org.apache.beam.sdk.schemas.logicaltypes.VariableString;
import org.apache.beam.sdk.values.Row;

/**
 * Beam schemas to Arrow schemas and back, faithfully or not at all: a type that has no lossless
 * counterpart fails with an {@link IllegalArgumentException} naming the field and its type.
 *
 * <p>Beam to Arrow (each reads back as the same Beam type):
 *
 * <ul>
 *   <li>BYTE, INT16, INT32, INT64: signed ints of 8 to 64 bits; FLOAT, DOUBLE: float32, float64;
 *       BOOLEAN: bool; STRING: utf8; BYTES: binary.
 *   <li>DATETIME (Joda, milliseconds): timestamp[ms, UTC].
 *   <li>DECIMAL, which has no fixed scale: decimal128(38, 18). Values with more than 18 fraction
 *       digits or more than 20 integer digits fail when written; values read back are in their
 *       shortest form (trailing fraction zeros dropped, never a negative scale), so 1.5, 100 and
 *       -0.25 round-trip exactly and 1.50 comes back as 1.5 (equal by compareTo, not by equals).
 *       Use {@code FixedPrecisionNumeric} for a decimal that keeps its scale.
 *   <li>ARRAY and ITERABLE: list (child "item"); MAP: map (entries "key", "value"; a nullable Beam
 *       key type fails, as Arrow map keys cannot be null); ROW: struct.
 *   <li>{@code SqlTypes.DATE}: date32; {@code SqlTypes.TIME}: time64[ns]; {@code SqlTypes.DATETIME}
 *       (local date-time): timestamp[us] without a zone; {@code SqlTypes.TIMESTAMP} (micros
 *       instant): timestamp[us, UTC]; {@code NanosInstant}: timestamp[ns, UTC]; {@code
 *       Timestamp.of(0|3|6|9)}: timestamp[s|ms|us|ns, UTC]. A value finer than its column's unit,
 *       or outside its range, fails when written.
 *   <li>{@code FixedPrecisionNumeric(p, s)}: decimal128(p, s), or decimal256 above 38 digits; with
 *       a scale only, decimal128(38, s). {@code FixedBytes(n)}: fixed_size_binary(n); {@code
 *       UuidLogicalType}: fixed_size_binary(16).
 *   <li>{@code VariableBytes}, {@code FixedString}, {@code VariableString}: binary or utf8.
 *   <li>{@code EnumerationType}: utf8 holding the value's name. Not an Arrow dictionary: a
 *       dictionary lives outside its VectorSchemaRoot (in a DictionaryProvider), so a batch UDF
 *       handed a root could not read it; names are what Arrow consumers read as categories.
 * </ul>
 *
 * <p>Where the Arrow type alone would read back as another Beam type (DECIMAL, ITERABLE, the
 * enumeration, the bounded strings and bytes, Timestamp, UUID), the Arrow field carries the Beam
 * type in its metadata ({@value #BEAM_TYPE}, {@value #BEAM_TYPE_ARGUMENT}). Beam field
 * descriptions and options are not carried.
 *
 * <p>Arrow to Beam, for what readers produce: signed ints keep their width; unsigned ints become
 * the next wider signed type (uint64 fails); float16 and float32 become FLOAT; utf8, large utf8 and
 * utf8 views become STRING; binary kinds BYTES; fixed_size_binary(n) {@code FixedBytes(n)};
 * date32/date64 {@code SqlTypes.DATE}; time32/time64 {@code SqlTypes.TIME}; timestamps without a
 * zone {@code SqlTypes.DATETIME}; timestamps with a zone become instants (the zone names how to
 * show the instant and is dropped): s and ms DATETIME, us {@code SqlTypes.TIMESTAMP}, ns {@code
 * NanosInstant}; decimal128/256(p, s) {@code FixedPrecisionNumeric(p, s)}; list, large list and
 * fixed-size list ARRAY; struct ROW; map MAP; dictionary-encoded columns the Beam type of their
 * dictionary's values. The null type has no Beam type and fails here; declared as any nullable
 * Beam type, {@link ArrowRowReader} reads it as nulls. Unions, intervals, durations, list views and
 * run-end encoded columns fail.
 */
public final class ArrowSchemas {
  /** Field metadata key naming the Beam type when the Arrow type alone would read back as another. */
  public static final String BEAM_TYPE = "beam.type";
  /** The argument of the Beam logical type named by {@link #BEAM_TYPE}. */
  public static final String BEAM_TYPE_ARGUMENT = "beam.type.argument";
  /** Plain DECIMAL's Arrow column: decimal128(38, 18). */
  public static final int DECIMAL_PRECISION = 38;
  public static final int DECIMAL_SCALE = 18;

  static final String LIST_ITEM = "item";
  static final String MAP_ENTRIES = "entries";
  static final String MAP_KEY = "key";
  static final String MAP_VALUE = "value";
  private static final String PLAIN_DECIMAL = "DECIMAL";
  private static final String ITERABLE = "ITERABLE";
  private static final int MAX_DECIMAL256_PRECISION = 76;

  private ArrowSchemas() {}

  /** The Arrow schema whose columns hold rows of {@code schema}. */
  public static org.apache.arrow.vector.types.pojo.Schema toArrowSchema(Schema schema) {
    return new org.apache.arrow.vector.types.pojo.Schema(arrowFields("", schema));
  }

  /** The Arrow field named {@code name} that holds values of {@code type}. */
  public static Field toArrowField(String name, FieldType type) {
    return arrowField(name, name, type);
  }

  /** The Beam schema of an Arrow schema without dictionary-encoded columns. */
  public static Schema toBeamSchema(org.apache.arrow.vector.types.pojo.Schema schema) {
    return toBeamSchema(schema, null);
  }

  /** The Beam schema of an Arrow schema whose dictionary-encoded columns {@code dictionaries} decodes. */
  public static Schema toBeamSchema(org.apache.arrow.vector.types.pojo.Schema schema, DictionaryProvider dictionaries) {
    return beamSchema("", schema.getFields(), dictionaries);
  }

  /** The Beam type of an Arrow field; {@code dictionaries} may be null when no column is dictionary-encoded. */
  public static FieldType toBeamFieldType(Field field, DictionaryProvider dictionaries) {
    return beamType(field.getName(), field, dictionaries);
  }

  // ---- Beam to Arrow ----

  private static List<Field> arrowFields(String parent, Schema schema) {
    List<Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      fields.add(arrowField(child(parent, field.getName()), field.getName(), field.getType()));
    }
    return fields;
  }

  static Field arrowField(String path, String name, FieldType type) {
    boolean nullable = type.getNullable();
    return switch (type.getTypeName()) {
      case BYTE -> leaf(name, nullable, new ArrowType.Int(8, true));
      case INT16 -> leaf(name, nullable, new ArrowType.Int(16, true));
      case INT32 -> leaf(name, nullable, new ArrowType.Int(32, true));
      case INT64 -> leaf(name, nullable, new ArrowType.Int(64, true));
      case FLOAT -> leaf(name, nullable, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
      case DOUBLE -> leaf(name, nullable, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
      case BOOLEAN -> leaf(name, nullable, ArrowType.Bool.INSTANCE);
      case STRING -> leaf(name, nullable, ArrowType.Utf8.INSTANCE);
      case BYTES -> leaf(name, nullable, ArrowType.Binary.INSTANCE);
      case DATETIME -> leaf(name, nullable, new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));
      case DECIMAL -> tagged(name, nullable, plainDecimalType(), PLAIN_DECIMAL, null);
      case ARRAY, ITERABLE -> new Field(name,
          new org.apache.arrow.vector.types.pojo.FieldType(nullable, ArrowType.List.INSTANCE, null,
              type.getTypeName() == TypeName.ITERABLE ? Map.of(BEAM_TYPE, ITERABLE) : null),
          List.of(arrowField(path + "[]", LIST_ITEM, type.getCollectionElementType())));
      case MAP -> mapField(path, name, type);
      case ROW -> new Field(name, new org.apache.arrow.vector.types.pojo.FieldType(nullable, ArrowType.Struct.INSTANCE, null),
          arrowFields(path, type.getRowSchema()));
      case LOGICAL_TYPE -> logicalField(path, name, nullable, type.getLogicalType());
    };
  }

  private static Field mapField(String path, String name, FieldType type) {
    if (type.getMapKeyType().getNullable()) {
      throw new IllegalArgumentException("Beam field '" + path + "' has type " + type
          + ": Arrow map keys cannot be null; make the key type non-nullable");
    }
    Field entries = new Field(MAP_ENTRIES, org.apache.arrow.vector.types.pojo.FieldType.notNullable(ArrowType.Struct.INSTANCE),
        List.of(arrowField(path + "{key}", MAP_KEY, type.getMapKeyType()),
            arrowField(path + "{value}", MAP_VALUE, type.getMapValueType())));
    return new Field(name, new org.apache.arrow.vector.types.pojo.FieldType(type.getNullable(), new ArrowType.Map(false), null),
        List.of(entries));
  }

  private static Field logicalField(String path, String name, boolean nullable, LogicalType<?, ?> logical) {
    String id = logical.getIdentifier();
    if (id.equals(Date.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.Date(DateUnit.DAY));
    } else if (id.equals(Time.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.Time(TimeUnit.NANOSECOND, 64));
    } else if (id.equals(DateTime.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    } else if (id.equals(MicrosInstant.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    } else if (id.equals(NanosInstant.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"));
    } else if (id.equals(Timestamp.IDENTIFIER)) {
      int precision = (Integer) logical.getArgument();
      TimeUnit unit = switch (precision) {
        case 0 -> TimeUnit.SECOND;
        case 3 -> TimeUnit.MILLISECOND;
        case 6 -> TimeUnit.MICROSECOND;
        case 9 -> TimeUnit.NANOSECOND;
        default -> throw unsupported(path, FieldType.logicalType(logical),
            "Arrow timestamps have precision 0, 3, 6 or 9, not " + precision);
      };
      return tagged(name, nullable, new ArrowType.Timestamp(unit, "UTC"), id, Integer.toString(precision));
    } else if (id.equals(FixedBytes.IDENTIFIER)) {
      return leaf(name, nullable, new ArrowType.FixedSizeBinary((Integer) logical.getArgument()));
    } else if (id.equals(UuidLogicalType.IDENTIFIER)) {
      return tagged(name, nullable, new ArrowType.FixedSizeBinary(16), id, null);
    } else if (id.equals(VariableBytes.IDENTIFIER)) {
      return tagged(name, nullable, ArrowType.Binary.INSTANCE, id, logical.getArgument().toString());
    } else if (id.equals(FixedString.IDENTIFIER) || id.equals(VariableString.IDENTIFIER)) {
      return tagged(name, nullable, ArrowType.Utf8.INSTANCE, id, logical.getArgument().toString());
    } else if (id.equals(EnumerationType.IDENTIFIER)) {
      return tagged(name, nullable, ArrowType.Utf8.INSTANCE, id, encodeEnum((EnumerationType) logical));
    } else if (id.equals(FixedPrecisionNumeric.IDENTIFIER)) {
      return fixedDecimalField(path, name, nullable, logical);
    }
    throw unsupported(path, FieldType.logicalType(logical), "it has no lossless Arrow type");
  }

  private static Field fixedDecimalField(String path, String name, boolean nullable, LogicalType<?, ?> logical) {
    Row argument = (Row) logical.getArgument();
    int precision = argument.getInt32("precision");
    int scale = argument.getInt32("scale");
    if (precision < 0) {
      // A scale but no precision: as wide as decimal128 goes; values that overflow fail when written.
      return tagged(name, nullable, ArrowType.Decimal.createDecimal(DECIMAL_PRECISION, scale, 128),
          FixedPrecisionNumeric.IDENTIFIER, Integer.toString(scale));
    }
    if (precision > MAX_DECIMAL256_PRECISION || scale < 0 || scale > precision) {
      throw unsupported(path, FieldType.logicalType(logical),
          "Arrow decimals hold up to 76 digits with a scale from 0 to the precision");
    }
    return leaf(name, nullable, ArrowType.Decimal.createDecimal(precision, scale, precision <= DECIMAL_PRECISION ? 128 : 256));
  }

  static ArrowType plainDecimalType() {
    return ArrowType.Decimal.createDecimal(DECIMAL_PRECISION, DECIMAL_SCALE, 128);
  }

  private static Field leaf(String name, boolean nullable, ArrowType type) {
    return new Field(name, new org.apache.arrow.vector.types.pojo.FieldType(nullable, type, null), null);
  }

  private static Field tagged(String name, boolean nullable, ArrowType type, String beamType, String argument) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(BEAM_TYPE, beamType);
    if (argument != null) {
      metadata.put(BEAM_TYPE_ARGUMENT, argument);
    }
    return new Field(name, new org.apache.arrow.vector.types.pojo.FieldType(nullable, type, null, metadata), null);
  }

  /** "name=value" pairs, URL-encoded so that any name survives the commas. */
  private static String encodeEnum(EnumerationType enumeration) {
    return enumeration.getValuesMap().entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static EnumerationType decodeEnum(String encoded) {
    Map<String, Integer> values = new LinkedHashMap<>();
    for (String pair : encoded.split(",")) {
      int equals = pair.lastIndexOf('=');
      values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          Integer.parseInt(pair.substring(equals + 1)));
    }
    return EnumerationType.create(values);
  }

  // ---- Arrow to Beam ----

  private static Schema beamSchema(String parent, List<Field> fields, DictionaryProvider dictionaries) {
    Schema.Builder builder = Schema.builder();
    Set<String> names = new HashSet<>();
    for (Field field : fields) {
      String path = child(parent, field.getName());
      if (!names.add(field.getName())) {
        throw new IllegalArgumentException("Arrow field '" + path + "' appears twice; Beam field names are unique");
      }
      builder.addField(field.getName(), beamType(path, field, dictionaries));
    }
    return builder.build();
  }

  static FieldType beamType(String path, Field field, DictionaryProvider dictionaries) {
    Field values = dictionaryValues(path, field, dictionaries);
    FieldType type = fromMetadata(values);
    if (type == null) {
      type = naturalType(path, values, dictionaries);
    }
    return type.withNullable(field.isNullable());
  }

  /**
   * The field holding a column's values: its dictionary's field when it is dictionary-encoded
   * (the column itself then holds indices), else the field itself.
   */
  static Field dictionaryValues(String path, Field field, DictionaryProvider dictionaries) {
    if (field.getDictionary() == null) {
      return field;
    }
    return dictionary(path, field, dictionaries).getVector().getField();
  }

  static Dictionary dictionary(String path, Field field, DictionaryProvider dictionaries) {
    long id = field.getDictionary().getId();
    Dictionary dictionary = dictionaries == null ? null : dictionaries.lookup(id);
    if (dictionary == null) {
      throw new IllegalArgumentException("Arrow field '" + path + "' is dictionary-encoded (dictionary " + id
          + "), but no DictionaryProvider holding that dictionary was given");
    }
    return dictionary;
  }

  /** The Beam type named in a field's metadata, if it names one whose Arrow type this field has. */
  private static FieldType fromMetadata(Field field) {
    Map<String, String> metadata = field.getMetadata();
    String beamType = metadata == null ? null : metadata.get(BEAM_TYPE);
    if (beamType == null) {
      return null;
    }
    String argument = metadata.get(BEAM_TYPE_ARGUMENT);
    FieldType type;
    try {
      type = metadataType(beamType, argument);
    } catch (RuntimeException unreadable) {
      return null; // metadata this code did not write: the Arrow type decides
    }
    if (type == null || !arrowField("", "", type).getType().equals(field.getType())) {
      return null;
    }
    return type;
  }

  private static FieldType metadataType(String beamType, String argument) {
    if (beamType.equals(PLAIN_DECIMAL)) {
      return FieldType.DECIMAL;
    } else if (beamType.equals(Timestamp.IDENTIFIER)) {
      return FieldType.logicalType(Timestamp.of(Integer.parseInt(argument)));
    } else if (beamType.equals(UuidLogicalType.IDENTIFIER)) {
      return FieldType.logicalType(SqlTypes.UUID);
    } else if (beamType.equals(VariableBytes.IDENTIFIER)) {
      return FieldType.logicalType(VariableBytes.of(Integer.parseInt(argument)));
    } else if (beamType.equals(FixedString.IDENTIFIER)) {
      return FieldType.logicalType(FixedString.of(Integer.parseInt(argument)));
    } else if (beamType.equals(VariableString.IDENTIFIER)) {
      return FieldType.logicalType(VariableString.of(Integer.parseInt(argument)));
    } else if (beamType.equals(EnumerationType.IDENTIFIER)) {
      return FieldType.logicalType(decodeEnum(argument));
    } else if (beamType.equals(FixedPrecisionNumeric.IDENTIFIER)) {
      return FieldType.logicalType(FixedPrecisionNumeric.of(Integer.parseInt(argument)));
    }
    return null; // ITERABLE is a container, whose element type comes from its child: see naturalType
  }

  private static FieldType naturalType(String path, Field field, DictionaryProvider dictionaries) {
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Int -> intType(path, (ArrowType.Int) type);
      case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
          ? FieldType.DOUBLE : FieldType.FLOAT;
      case Bool -> FieldType.BOOLEAN;
      case Utf8, LargeUtf8, Utf8View -> FieldType.STRING;
      case Binary, LargeBinary, BinaryView -> FieldType.BYTES;
      case FixedSizeBinary -> FieldType.logicalType(FixedBytes.of(((ArrowType.FixedSizeBinary) type).getByteWidth()));
      case Date -> FieldType.logicalType(SqlTypes.DATE);
      case Time -> FieldType.logicalType(SqlTypes.TIME);
      case Timestamp -> timestampType((ArrowType.Timestamp) type);
      case Decimal -> {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        yield FieldType.logicalType(FixedPrecisionNumeric.of(decimal.getPrecision(), decimal.getScale()));
      }
      case List, LargeList, FixedSizeList -> {
        FieldType element = beamType(path + "[]", field.getChildren().get(0), dictionaries);
        yield ITERABLE.equals(field.getMetadata().get(BEAM_TYPE)) ? FieldType.iterable(element) : FieldType.array(element);
      }
      case Struct -> FieldType.row(beamSchema(path, field.getChildren(), dictionaries));
      case Map -> {
        List<Field> entries = field.getChildren().get(0).getChildren();
        yield FieldType.map(beamType(path + "{key}", entries.get(0), dictionaries).withNullable(false),
            beamType(path + "{value}", entries.get(1), dictionaries));
      }
      case Null -> throw new IllegalArgumentException("Arrow field '" + path + "' has the null type, which has no "
          + "Beam type; declare the column's Beam type (any nullable type reads it as nulls)");
      default -> throw new IllegalArgumentException("Arrow field '" + path + "' has type " + type
          + ", which has no lossless Beam type");
    };
  }

  private static FieldType intType(String path, ArrowType.Int type) {
    int bits = type.getBitWidth();
    if (type.getIsSigned()) {
      return switch (bits) {
        case 8 -> FieldType.BYTE;
        case 16 -> FieldType.INT16;
        case 32 -> FieldType.INT32;
        default -> FieldType.INT64;
      };
    }
    return switch (bits) {
      case 8 -> FieldType.INT16;
      case 16 -> FieldType.INT32;
      case 32 -> FieldType.INT64;
      default -> throw new IllegalArgumentException("Arrow field '" + path + "' has type " + type
          + ": uint64 has no wider signed Beam type; cast it to int64 or decimal(20, 0) first");
    };
  }

  private static FieldType timestampType(ArrowType.Timestamp type) {
    if (type.getTimezone() == null) {
      return FieldType.logicalType(SqlTypes.DATETIME);
    }
    return switch (type.getUnit()) {
      case SECOND, MILLISECOND -> FieldType.DATETIME;
      case MICROSECOND -> FieldType.logicalType(SqlTypes.TIMESTAMP);
      case NANOSECOND -> FieldType.logicalType(new NanosInstant());
    };
  }

  static IllegalArgumentException unsupported(String path, FieldType type, String why) {
    return new IllegalArgumentException("Beam field '" + path + "' has type " + type + ", which cannot be "
        + "converted to Arrow: " + why);
  }

  static String child(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }
}
