package io.sluice.runner.plan;

import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * One physical operator to be: a fused chain of element-wise specs, a single non-fusible spec, or a
 * materialisation of a side input's collection. {@code outputs} lists the collections that leave
 * the node, in port order.
 */
public final class PlanNode {
  public enum Kind {
    SOURCE,
    FUSED_STAGE,
    ALL_TO_ALL,
    REBALANCE,
    SPLITTABLE_PROCESS,
    MATERIALIZE
  }

  private final int id;
  private final Kind kind;
  private final PCollection<?> input;
  private final Execution execution;
  private final List<TransformSpec> specs = new ArrayList<>();
  private final List<PCollection<?>> outputs = new ArrayList<>();
  private final List<Producer> producers = new ArrayList<>();
  private final List<Integer> prerequisites = new ArrayList<>();
  private final Map<PCollection<?>, CombinePerKeySpec> precombined = new HashMap<>();
  private final Set<TransformSpec> columnarSpecs = new HashSet<>();
  private final Set<Integer> columnarPorts = new HashSet<>();

  /** An edge into this node: the producing node and the port the input leaves it by. */
  public record Producer(int node, int port) {}

  PlanNode(int id, Kind kind, PCollection<?> input, Execution execution) {
    this.id = id;
    this.kind = kind;
    this.input = input;
    this.execution = execution;
  }

  public int id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /** The main input collection, or null for sources. */
  public PCollection<?> input() {
    return input;
  }

  public List<TransformSpec> specs() {
    return specs;
  }

  public List<PCollection<?>> outputs() {
    return outputs;
  }

  public List<Producer> producers() {
    return producers;
  }

  /** Materialisation nodes that must finish first (side inputs read by this node). */
  public List<Integer> prerequisites() {
    return prerequisites;
  }

  /**
   * Outputs whose only consumer is a lifted combine: the stage folds them into per-key
   * accumulators itself, so raw elements never leave the task.
   */
  public Map<PCollection<?>, CombinePerKeySpec> precombined() {
    return precombined;
  }

  /**
   * Specs that run on whole columnar batches ({@code ColumnarDoFn}) rather than element by element:
   * each passes what it returns as it is to a next such spec that is its collection's only reader.
   */
  public Set<TransformSpec> columnarSpecs() {
    return columnarSpecs;
  }

  /** Output ports whose blocks hold columnar batches: their one reader takes them as they are. */
  public Set<Integer> columnarPorts() {
    return columnarPorts;
  }

  /**
   * How this node runs: as its first spec runs (fused specs share resources, pool and cap; a batch
   * size belongs to the spec that heads the stage), or, where task steps run on the actors of the
   * pool step they feed, as that step runs.
   */
  public Execution execution() {
    return execution;
  }

  /** What each task (or actor) of this node holds. */
  public ExecutionResources resources() {
    return execution().resources();
  }

  public List<PCollectionView<?>> sideInputs() {
    List<PCollectionView<?>> views = new ArrayList<>();
    for (TransformSpec spec : specs) {
      views.addAll(spec.sideInputs());
    }
    return views;
  }

  public int portOf(PCollection<?> collection) {
    int port = outputs.indexOf(collection);
    if (port < 0) {
      port = outputs.size();
      outputs.add(collection);
    }
    return port;
  }

  public String name() {
    if (kind == Kind.MATERIALIZE) {
      return "Materialize[" + input.getName() + "]";
    }
    if (specs.size() == 1) {
      return specs.get(0).name();
    }
    return specs.get(0).name() + " -> ... -> " + specs.get(specs.size() - 1).name();
  }
}
