package io.sluice.runner.engine.scheduler;

import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.spill.BlockCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * Operators in topological order, the edges between their output ports and inputs, and
 * "start after" prerequisites (an operator reading a side input starts after the operator that
 * materialises it). Edges may repeat: a consumer connected twice to the same port sees each block
 * twice, which is what flattening a collection with itself means.
 */
public final class Topology {
  record Edge(int producer, int port, int consumer) {}

  private final List<PhysicalOperator> operators = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();
  private final List<int[]> prerequisites = new ArrayList<>();
  private final Map<Integer, BlockCodec> inputCodecs = new HashMap<>();
  private final List<OutputLimit> outputLimits = new ArrayList<>();

  /** Once {@code rows} rows have left {@code operator} by {@code port}, no more are wanted. */
  record OutputLimit(int operator, int port, long rows) {}

  /** Adds an operator; operators must be added producers first. Returns its id. */
  public int add(PhysicalOperator operator) {
    operators.add(operator);
    return operators.size() - 1;
  }

  public void connect(int producer, int port, int consumer) {
    check(producer);
    check(consumer);
    if (producer >= consumer) {
      throw new IllegalArgumentException(
          "edge " + name(producer) + " -> " + name(consumer) + " goes against topological order");
    }
    edges.add(new Edge(producer, port, consumer));
  }

  /** {@code operator} runs no task before {@code prerequisite} has finished. */
  public void startAfter(int operator, int prerequisite) {
    check(operator);
    check(prerequisite);
    if (prerequisite >= operator) {
      throw new IllegalArgumentException(
          name(operator) + " cannot wait for " + name(prerequisite) + ", which comes after it");
    }
    prerequisites.add(new int[] {operator, prerequisite});
  }

  /**
   * How blocks waiting for {@code operator} are written to disk when memory runs short; operators
   * without one never have their input spilled.
   */
  public void spillInputWith(int operator, BlockCodec codec) {
    check(operator);
    inputCodecs.put(operator, codec);
  }

  /**
   * Whoever reads {@code operator}'s output {@code port} wants at most {@code rows} rows of it (a
   * limit): once that many have left, the operator and the operators upstream that feed only it
   * stop early (see {@link io.sluice.runner.engine.operator.StopsEarly}).
   */
  public void limitOutput(int operator, int port, long rows) {
    check(operator);
    if (rows < 0) {
      throw new IllegalArgumentException(name(operator) + ": an output limit must not be negative, was " + rows);
    }
    outputLimits.add(new OutputLimit(operator, port, rows));
  }

  List<OutputLimit> outputLimits() {
    return outputLimits;
  }

  BlockCodec inputCodec(int operator) {
    return inputCodecs.get(operator);
  }

  public int size() {
    return operators.size();
  }

  public PhysicalOperator operator(int id) {
    return operators.get(id);
  }

  List<Edge> edges() {
    return edges;
  }

  List<int[]> prerequisites() {
    return prerequisites;
  }

  private String name(int id) {
    return operators.get(id).name();
  }

  private void check(int id) {
    if (id < 0 || id >= operators.size()) {
      throw new IllegalArgumentException("no operator with id " + id);
    }
  }
}
