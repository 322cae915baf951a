package io.sluice.runner.plan;

import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.resource.ExecutionResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The operators to run, in topological order, with their wiring. Built from a {@link LogicalPlan}
 * by fusing element-wise chains: a fusible spec joins the stage that produces its input, so the
 * elements pass between the chained DoFns with no queue, block or encoding in between. A spec that
 * reads side inputs starts a new stage, because its stage must wait for the side input, which may be
 * computed from the very stage it would have joined.
 */
public final class PhysicalPlan {
  private final List<PlanNode> nodes = new ArrayList<>();
  private final Map<PCollection<?>, PlanNode> producerOf = new HashMap<>();
  private final Map<PCollection<?>, List<PCollection<?>>> flattened = new HashMap<>();
  private final Map<PCollection<?>, PlanNode> materializations = new HashMap<>();
  /** Task steps run on the actors of the pool step they feed, with that step's execution. */
  private final Map<TransformSpec, Execution> onReadersActors = new HashMap<>();
  private final Rules rules;

  /**
   * Fusion choices a run may turn off, and what they depend on.
   *
   * @param columnarHandoff whether steps that can take columnar batches run on them, passing them on
   *     as they are to a next such step
   * @param tasksOnActorPools whether task steps next to a CPU actor pool that can use every CPU run
   *     on its actors (see {@link #tasksLeadingIntoActorPools})
   * @param stepsInReads whether element-wise steps after a read run inside the read's tasks; when
   *     not, they run as a stage of their own, whose failed tasks can run again on the same rows
   * @param runCpus the CPUs the run has
   */
  public record Rules(boolean columnarHandoff, boolean tasksOnActorPools, boolean stepsInReads, double runCpus) {
    public Rules(boolean columnarHandoff, boolean tasksOnActorPools, double runCpus) {
      this(columnarHandoff, tasksOnActorPools, true, runCpus);
    }

    public static Rules defaults(double runCpus) {
      return new Rules(true, true, runCpus);
    }
  }

  private PhysicalPlan(Rules rules) {
    this.rules = rules;
  }

  public static PhysicalPlan fuse(LogicalPlan logical, Rules rules) {
    PhysicalPlan plan = new PhysicalPlan(rules);
    if (rules.tasksOnActorPools()) {
      plan.onReadersActors.putAll(plan.tasksLeadingIntoActorPools(logical, Links.of(logical)));
    }
    for (TransformSpec spec : logical.specs()) {
      plan.place(spec);
    }
    plan.wire();
    Map<PlanNode.Producer, List<PlanNode>> readers = plan.readersByPort();
    plan.liftCombinesIntoProducers(readers);
    plan.keepColumnsBetweenColumnarSteps(readers);
    return plan;
  }

  public List<PlanNode> nodes() {
    return nodes;
  }

  /** The node that materialises a view's collection. */
  public PlanNode materializationOf(PCollectionView<?> view) {
    return materializations.get(view.getPCollection());
  }

  private void place(TransformSpec spec) {
    if (spec instanceof FlattenSpec flatten) {
      flattened.put(flatten.output(), flatten.inputs());
      return;
    }
    Execution execution = executionOf(spec);
    PlanNode node;
    if (spec.elementWise() && canJoinProducer(spec, execution)) {
      node = producerOf.get(spec.inputs().get(0));
    } else {
      List<Integer> prerequisites = new ArrayList<>();
      for (PCollectionView<?> view : spec.sideInputs()) {
        prerequisites.add(materialize(view.getPCollection()).id());
      }
      node = newNode(kindOf(spec), spec.inputs().isEmpty() ? null : spec.inputs().get(0), execution);
      node.prerequisites().addAll(prerequisites);
    }
    node.specs().add(spec);
    if (runsOnColumns(spec)) {
      node.columnarSpecs().add(spec);
    }
    for (PCollection<?> output : outputsOf(spec)) {
      producerOf.put(output, node);
    }
  }

  /**
   * Element-wise specs join a stage, or a source (running inside the read task), that requests the
   * same resources: a GPU step fused into a CPU step would hold its GPU through the CPU work, and
   * the other way round (Ray Data's fusion rule too). Actor-pool steps join only a stage on the
   * same pool, never a read task. An actor step with a batch size heads its own stage: the pool
   * cuts that stage's input into bundles of whole batches. A task step with a batch size fuses
   * like any other (its batches then span what its producer hands it per task): heading a stage
   * would only add a queue between it and its producer. Task steps chosen to run on a pool's actors
   * (see {@link #tasksLeadingIntoActorPools}) count as steps on that pool.
   */
  private boolean canJoinProducer(TransformSpec spec, Execution execution) {
    PlanNode producer = producerOf.get(spec.inputs().get(0));
    boolean readsSideInputs = !spec.sideInputs().isEmpty();
    boolean wantsWholeBatchBundles = execution.batchSize() > 1 && execution.runsOnActors();
    return producer != null
        && !wantsWholeBatchBundles
        && (producer.kind() == PlanNode.Kind.FUSED_STAGE
            || (producer.kind() == PlanNode.Kind.SOURCE && rules.stepsInReads() && !execution.runsOnActors()))
        && !readsSideInputs
        // The stage's head may have a batch size its followers lack.
        && producer.execution().sharedByFusedSteps().equals(execution.sharedByFusedSteps());
  }

  /** How the spec runs: as it asks, or on the actors of a pool next to it (see {@link #tasksLeadingIntoActorPools}). */
  private Execution executionOf(TransformSpec spec) {
    Execution leading = onReadersActors.get(spec);
    if (leading != null) {
      return leading;
    }
    PlanNode producer = spec.inputs().isEmpty() ? null : producerOf.get(spec.inputs().get(0));
    if (rules.tasksOnActorPools() && producer != null && producer.kind() == PlanNode.Kind.FUSED_STAGE
        && takesTasks(producer.execution()) && runsLike(spec, producer.execution())) {
      return producer.execution().sharedByFusedSteps(); // a follower, without the pool step's batch size
    }
    return spec.execution();
  }

  private PlanNode materialize(PCollection<?> collection) {
    PlanNode node = materializations.get(collection);
    if (node == null) {
      node = newNode(PlanNode.Kind.MATERIALIZE, collection, Execution.of(ExecutionResources.ZERO));
      materializations.put(collection, node);
    }
    return node;
  }

  private PlanNode newNode(PlanNode.Kind kind, PCollection<?> input, Execution execution) {
    PlanNode node = new PlanNode(nodes.size(), kind, input, execution);
    nodes.add(node);
    return node;
  }

  private static PlanNode.Kind kindOf(TransformSpec spec) {
    if (spec instanceof ImpulseSpec || spec instanceof ReadSpec) {
      return PlanNode.Kind.SOURCE;
    }
    if (spec instanceof RebalanceSpec) {
      return PlanNode.Kind.REBALANCE;
    }
    if (spec instanceof SplittableProcessSpec) {
      return PlanNode.Kind.SPLITTABLE_PROCESS;
    }
    return spec.elementWise() ? PlanNode.Kind.FUSED_STAGE : PlanNode.Kind.ALL_TO_ALL;
  }

  /** Connects every node's main input to the nodes and ports that produce it. */
  private void wire() {
    for (PlanNode node : nodes) {
      if (node.input() != null) {
        addProducers(node, node.input());
      }
    }
  }

  /**
   * Where a lifted combine's input comes from a stage and goes nowhere else, the stage pre-combines
   * it (map-side combine inside the producing task).
   */
  private void liftCombinesIntoProducers(Map<PlanNode.Producer, List<PlanNode>> readers) {
    for (PlanNode node : nodes) {
      if (node.kind() != PlanNode.Kind.ALL_TO_ALL
          || !(node.specs().get(0) instanceof CombinePerKeySpec combine)
          || node.producers().size() != 1) {
        continue;
      }
      PlanNode.Producer only = node.producers().get(0);
      PlanNode producer = nodes.get(only.node());
      boolean runsStage = producer.kind() == PlanNode.Kind.FUSED_STAGE
          || (producer.kind() == PlanNode.Kind.SOURCE && producer.specs().size() > 1);
      if (runsStage && readers.get(only).size() == 1 && producer.outputs().get(only.port()) == combine.input()) {
        producer.precombined().put(combine.input(), combine);
      }
    }
  }

  /**
   * Whether the spec runs on columnar batches: every one that can ({@code Execution.columnar}),
   * unless the run turns that off. It gathers its input into batches itself, whatever came before,
   * and hands what it returns as it is to a next step that also takes batches and is the only
   * reader (in its stage, or across a queue: see {@link #keepColumnsBetweenColumnarSteps});
   * otherwise its output becomes elements.
   */
  private boolean runsOnColumns(TransformSpec spec) {
    return rules.columnarHandoff() && spec.execution().columnar();
  }

  /**
   * Element-wise task steps next to a step on a CPU actor pool run on that pool's actors, in its
   * stage: those leading into it, each the only reader of the one before (Ray Data's task-to-actor
   * fusion), and those that follow it. A step that expands its input (a decode, a 1:N flat map)
   * then hands each element straight to the pool's UDF rather than queue it, and what follows (a
   * key extraction, a lifted combine) takes the UDF's output without a queue or a task of its own,
   * which would have to wait for a CPU the actors hold. Only where nothing is lost:
   *
   * <ul>
   *   <li>the pool holds no GPU: a GPU would idle through the CPU work (why Ray fuses only steps
   *       asking for the same resources);
   *   <li>it can grow to every CPU of the run, so the moved steps lose no parallelism;
   *   <li>the steps ask for what one of its actors holds, with no concurrency cap or side input.
   * </ul>
   *
   * Not ahead of a pool step with a batch size (its pool cuts its own input into whole batches) or
   * side inputs. A read stays a task of its own, so reads run in parallel whatever the pool's size.
   * This returns the leading steps, with the execution they take on; followers are found as they
   * are placed ({@link #executionOf}).
   */
  private Map<TransformSpec, Execution> tasksLeadingIntoActorPools(LogicalPlan logical, Links links) {
    Map<TransformSpec, Execution> leading = new HashMap<>();
    for (TransformSpec pool : logical.specs()) {
      Execution execution = pool.execution();
      boolean poolTakesLeaders = pool instanceof ParDoSpec && pool.elementWise() && takesTasks(execution)
          && execution.batchSize() == 1 && pool.sideInputs().isEmpty();
      TransformSpec reader = pool;
      while (poolTakesLeaders) {
        TransformSpec producer = links.producers().get(reader.inputs().get(0));
        if (producer == null || !runsLike(producer, execution) || !links.onlyReaderOf(producer, reader)) {
          break;
        }
        leading.put(producer, execution);
        reader = producer;
      }
    }
    return leading;
  }

  /** Whether task steps may run on this pool's actors: a CPU pool that can grow to every CPU of the run. */
  private boolean takesTasks(Execution pool) {
    return pool.actorPool() != null && pool.resources().gpus() == 0
        && pool.actorPool().maxSize() * pool.resources().cpus() >= rules.runCpus() - 1e-9;
  }

  /** Whether {@code task} is an element-wise task step asking for what one actor of {@code pool} holds. */
  private static boolean runsLike(TransformSpec task, Execution pool) {
    return (task instanceof ParDoSpec || task instanceof WindowAssignSpec)
        && task.elementWise()
        && task.sideInputs().isEmpty()
        && task.execution().sharedByFusedSteps().equals(Execution.of(pool.resources()));
  }

  /** Who produces and who reads each collection of the logical plan (flattens included). */
  private record Links(Map<PCollection<?>, TransformSpec> producers, Map<PCollection<?>, List<TransformSpec>> readersOf) {
    static Links of(LogicalPlan logical) {
      Map<PCollection<?>, List<TransformSpec>> readers = new HashMap<>();
      Map<PCollection<?>, TransformSpec> producers = new HashMap<>();
      for (TransformSpec spec : logical.specs()) {
        for (PCollection<?> input : spec.inputs()) {
          readers.computeIfAbsent(input, c -> new ArrayList<>()).add(spec);
        }
        for (PCollectionView<?> view : spec.sideInputs()) {
          readers.computeIfAbsent(view.getPCollection(), c -> new ArrayList<>()).add(spec);
        }
        for (PCollection<?> output : outputsOf(spec)) {
          producers.put(output, spec);
        }
      }
      return new Links(producers, readers);
    }

    List<TransformSpec> readers(PCollection<?> collection) {
      return readersOf.getOrDefault(collection, List.of());
    }

    /** Whether {@code reader}, reading it once, is all that reads any output of {@code producer}. */
    boolean onlyReaderOf(TransformSpec producer, TransformSpec reader) {
      int reads = 0;
      for (PCollection<?> output : outputsOf(producer)) {
        for (TransformSpec r : readers(output)) {
          if (r != reader) {
            return false;
          }
          reads++;
        }
      }
      return reads == 1;
    }
  }

  /** The nodes reading each output port, once per edge (a node reading a port twice is listed twice). */
  private Map<PlanNode.Producer, List<PlanNode>> readersByPort() {
    Map<PlanNode.Producer, List<PlanNode>> readers = new HashMap<>();
    for (PlanNode node : nodes) {
      for (PlanNode.Producer producer : node.producers()) {
        readers.computeIfAbsent(producer, p -> new ArrayList<>()).add(node);
      }
    }
    return readers;
  }

  /**
   * A port whose collection a columnar step produces, read by one node only (and by nothing in its
   * own stage), which starts with a columnar step reading it: the batches cross as they are. One
   * reader, because a columnar block's buffers are freed once its rows have been read. (A port
   * feeding a lifted combine is never one: its reader is the combine.)
   */
  private void keepColumnsBetweenColumnarSteps(Map<PlanNode.Producer, List<PlanNode>> readers) {
    for (PlanNode node : nodes) {
      if (node.columnarSpecs().isEmpty()) {
        continue;
      }
      for (int port = 0; port < node.outputs().size(); port++) {
        PCollection<?> collection = node.outputs().get(port);
        boolean fromColumnarStep = node.columnarSpecs().stream()
            .anyMatch(spec -> outputsOf(spec).contains(collection));
        List<PlanNode> portReaders = readers.getOrDefault(new PlanNode.Producer(node.id(), port), List.of());
        boolean readInStage = node.specs().stream().anyMatch(spec -> spec.inputs().contains(collection));
        if (fromColumnarStep && !readInStage && portReaders.size() == 1) {
          PlanNode reader = portReaders.get(0);
          if (reader.kind() == PlanNode.Kind.FUSED_STAGE && reader.input() == collection
              && reader.columnarSpecs().contains(reader.specs().get(0))) {
            node.columnarPorts().add(port);
          }
        }
      }
    }
  }

  private void addProducers(PlanNode consumer, PCollection<?> collection) {
    List<PCollection<?>> parts = flattened.get(collection);
    if (parts != null) {
      for (PCollection<?> part : parts) {
        addProducers(consumer, part);
      }
      return;
    }
    PlanNode producer = producerOf.get(collection);
    if (producer == null) {
      throw new IllegalStateException(
          "no transform produces " + collection.getName() + ", which " + consumer.name() + " reads");
    }
    consumer.producers().add(new PlanNode.Producer(producer.id(), producer.portOf(collection)));
  }

  public static List<PCollection<?>> outputsOf(TransformSpec spec) {
    if (spec instanceof ImpulseSpec s) {
      return List.of(s.output());
    } else if (spec instanceof ReadSpec s) {
      return List.of(s.output());
    } else if (spec instanceof ParDoSpec s) {
      return List.copyOf(s.outputs().values());
    } else if (spec instanceof WindowAssignSpec s) {
      return List.of(s.output());
    } else if (spec instanceof GroupByKeySpec s) {
      return List.of(s.output());
    } else if (spec instanceof CombinePerKeySpec s) {
      return List.of(s.output());
    } else if (spec instanceof FlattenSpec s) {
      return List.of(s.output());
    } else if (spec instanceof RebalanceSpec s) {
      return List.of(s.output());
    } else if (spec instanceof SplittableProcessSpec s) {
      return List.copyOf(s.outputs().values());
    }
    throw new IllegalArgumentException("unknown spec " + spec);
  }

  /** A readable rendering of the plan, one node a line, for logs and debugging. */
  public String explain() {
    StringBuilder out = new StringBuilder();
    for (PlanNode node : nodes) {
      out.append(String.format("#%d %s %s", node.id(), node.kind(), node.name()));
      if (!node.resources().equals(ExecutionResources.cpus(1)) && node.kind() != PlanNode.Kind.MATERIALIZE) {
        out.append(" ").append(node.resources());
      }
      if (!node.producers().isEmpty()) {
        out.append(" <- ");
        for (PlanNode.Producer producer : node.producers()) {
          out.append('#').append(producer.node()).append(':').append(producer.port()).append(' ');
        }
      }
      if (!node.prerequisites().isEmpty()) {
        out.append(" after ").append(node.prerequisites());
      }
      ActorPoolConfig pool = node.execution().actorPool();
      if (pool != null) {
        out.append(out.charAt(out.length() - 1) == ' ' ? "" : " ").append("[actor pool ").append(pool.minSize())
            .append("..").append(pool.maxSize()).append(']');
      }
      if (!node.columnarSpecs().isEmpty()) {
        out.append(out.charAt(out.length() - 1) == ' ' ? "" : " ").append("[columnar: ")
            .append(node.columnarSpecs().size()).append(node.columnarSpecs().size() == 1 ? " step" : " steps")
            .append(node.columnarPorts().isEmpty() ? "" : ", hands on columns").append(']');
      }
      if (node.specs().size() > 1) {
        out.append("\n    fused: ");
        for (TransformSpec spec : node.specs()) {
          out.append(spec.name()).append("; ");
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
