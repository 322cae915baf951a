package io.sluice.transforms.combining;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/** Checks on the schema'd inputs of Join and Zip, failing with messages that name the transform and the side. */
final class Inputs {
  private Inputs() {}

  /** The schema of one side, or a failure saying how to give it one. */
  static Schema schemaOf(PCollection<Row> input, String transform, String side) {
    if (!input.hasSchema()) {
      throw new IllegalArgumentException(transform + ": the " + side + " input '" + input.getName()
          + "' has no schema; give it one with setRowSchema(schema)");
    }
    return input.getSchema();
  }

  /** The index of a named column of one side, or a failure listing the columns it has. */
  static int column(Schema schema, String name, String transform, String side, String role) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(transform + ": unknown " + role + " column '" + name + "' on the " + side
          + "; the " + side + " input has columns " + schema.getFieldNames());
    }
    return schema.indexOf(name);
  }

  /** A schema on one line: its columns and their types, e.g. [id INT32 NOT NULL, name STRING]. */
  static String describe(Schema schema) {
    return schema.getFields().stream().map(f -> f.getName() + " " + f.getType()).toList().toString();
  }
}
