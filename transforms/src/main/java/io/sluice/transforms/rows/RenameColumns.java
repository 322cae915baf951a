package io.sluice.transforms.rows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.beam.sdk.schemas.Schema;

/** Ray Data's {@code rename_columns}: renames columns, keeping their order, types and values. */
public final class RenameColumns extends Projection.Transform {
  private final Map<String, String> renames;

  private RenameColumns(Map<String, String> renames) {
    this.renames = renames;
  }

  /** Renames {@code from} to {@code to}; add more with {@link #and}. */
  public static RenameColumns of(String from, String to) {
    return new RenameColumns(Map.of()).and(from, to);
  }

  /** Renames each key to its value. */
  public static RenameColumns of(Map<String, String> renames) {
    RenameColumns transform = new RenameColumns(Map.of());
    for (Map.Entry<String, String> rename : renames.entrySet()) {
      transform = transform.and(rename.getKey(), rename.getValue());
    }
    return transform;
  }

  public RenameColumns and(String from, String to) {
    if (from == null || to == null || to.isEmpty()) {
      throw new IllegalArgumentException("RenameColumns: column names must not be empty, were '" + from + "' -> '" + to + "'");
    }
    if (renames.containsKey(from)) {
      throw new IllegalArgumentException("RenameColumns: column '" + from + "' is renamed twice");
    }
    Map<String, String> next = new LinkedHashMap<>(renames);
    next.put(from, to);
    return new RenameColumns(next);
  }

  @Override
  Projection plan(Schema input) {
    Projection.requireColumns(input, List.copyOf(renames.keySet()), describe());
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : input.getFieldNames()) {
      String renamed = renames.getOrDefault(name, name);
      if (!seen.add(renamed)) {
        throw new IllegalArgumentException(describe() + ": renaming gives two columns named '" + renamed
            + "'; the input has columns " + input.getFieldNames());
      }
      names.add(renamed);
    }
    return Projection.pick(input, IntStream.range(0, input.getFieldCount()).toArray(), names);
  }
}
