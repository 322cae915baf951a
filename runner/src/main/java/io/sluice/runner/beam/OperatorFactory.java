package io.sluice.runner.beam;

import io.sluice.runner.OutputLimit;
import io.sluice.runner.engine.actor.ActorPoolConfig;
import io.sluice.runner.engine.actor.ActorPoolOperator;
import io.sluice.runner.engine.actor.Bundling;
import io.sluice.runner.engine.operator.AllToAllOperator;
import io.sluice.runner.engine.operator.CollectingSink;
import io.sluice.runner.engine.operator.CoreYield;
import io.sluice.runner.engine.operator.MapOperator;
import io.sluice.runner.engine.operator.PhysicalOperator;
import io.sluice.runner.engine.operator.RebalanceFunction;
import io.sluice.runner.engine.operator.RepartitionExchange;
import io.sluice.runner.engine.operator.RetriesTasks;
import io.sluice.runner.engine.operator.SourceOperator;
import io.sluice.runner.engine.operator.SplitReader;
import io.sluice.runner.engine.resource.ExecutionResources;
import io.sluice.runner.engine.scheduler.Topology;
import io.sluice.runner.plan.CombinePerKeySpec;
import io.sluice.runner.plan.GroupByKeySpec;
import io.sluice.runner.plan.ImpulseSpec;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.PhysicalPlan;
import io.sluice.runner.plan.PlanNode;
import io.sluice.runner.plan.ReadSpec;
import io.sluice.runner.plan.RebalanceSpec;
import io.sluice.runner.plan.SplittableProcessSpec;
import io.sluice.runner.plan.TransformSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;

/** Turns a physical plan into running engine operators wired into a {@link Topology}. */
public final class OperatorFactory {
  private static final long MIN_SPLIT_BYTES = 1L << 20;
  /** How long an actor must be surplus before its pool stops it: long enough to ride out a gap between blocks. */
  private static final long ACTOR_DOWNSCALE_DELAY_NANOS = 1_000_000_000L;
  /**
   * About how long an actor's bundle should take: long enough that the per-bundle cost (bundle
   * methods, a scheduling turn, hidden anyway by the next bundle handed over) is noise, short
   * enough that when the input runs out the other actors wait little for the last one.
   */
  private static final long ACTOR_BUNDLE_TARGET_NANOS = 50_000_000L;
  /**
   * How often CPU tasks hand their cores over while GPU actors hold the run back (see {@link
   * CoreYield}): a woken actor then waits about this long at most for a core, a few percent of a
   * typical batch.
   */
  private static final long CORE_YIELD_INTERVAL_NANOS = 250_000L;

  private final PipelineOptions options;
  private final RunMetrics metrics;
  private final int parallelism;
  private final BlockSize blockSize;
  private final ExecutionResources limits;
  private final RetriesTasks.Retries retries;

  /**
   * @param limits the run's resources, which bound actor pools that do not set their own size
   * @param retries how often a failed task runs again: of an element-wise stage, or of a read (from
   *     the chunk that failed)
   */
  public OperatorFactory(PipelineOptions options, RunMetrics metrics, int parallelism, BlockSize blockSize,
      ExecutionResources limits, RetriesTasks.Retries retries) {
    this.options = options;
    this.metrics = metrics;
    this.parallelism = parallelism;
    this.blockSize = blockSize;
    this.limits = limits;
    this.retries = retries;
  }

  public Topology build(PhysicalPlan plan) throws Exception {
    Topology topology = new Topology();
    Map<Integer, CollectingSink> sinks = new HashMap<>();
    CoreYield coreYield = plan.nodes().stream().anyMatch(OperatorFactory::isGpuActorPool)
        ? new CoreYield(CORE_YIELD_INTERVAL_NANOS) : CoreYield.NEVER;
    for (PlanNode node : plan.nodes()) {
      Map<PCollectionView<?>, CollectingSink> sideInputs = new HashMap<>();
      for (PCollectionView<?> view : node.sideInputs()) {
        sideInputs.put(view, sinks.get(plan.materializationOf(view).id()));
      }
      OperatorContext context = new OperatorContext(options, metrics, blockSize, new MaterializedSideInputs(sideInputs),
          Math.max(1, parallelism * 2), coreYield);
      PhysicalOperator operator = create(node, context);
      if (operator instanceof CollectingSink sink) {
        sinks.put(node.id(), sink);
      }
      int id = topology.add(operator);
      if (id != node.id()) {
        throw new IllegalStateException("plan node " + node.id() + " became operator " + id);
      }
      for (PlanNode.Producer producer : node.producers()) {
        topology.connect(producer.node(), producer.port(), id);
      }
      if (spillsInput(node)) {
        topology.spillInputWith(id, new WindowedValueBlockCodec(node.input()));
      }
      for (int prerequisite : node.prerequisites()) {
        topology.startAfter(id, prerequisite);
      }
      limitOutputs(node, topology);
    }
    return topology;
  }

  /** Wires the limits of DoFns that declare one ({@link OutputLimit}) and whose output leaves the node. */
  private static void limitOutputs(PlanNode node, Topology topology) {
    if (node.kind() != PlanNode.Kind.FUSED_STAGE && node.kind() != PlanNode.Kind.SOURCE) {
      return;
    }
    for (TransformSpec spec : node.specs()) {
      if (spec instanceof ParDoSpec parDo && parDo.fn() instanceof OutputLimit limit) {
        int port = node.outputs().indexOf(parDo.outputs().get(parDo.mainOutput()));
        if (port >= 0) {
          topology.limitOutput(node.id(), port, limit.maxOutputRows());
        }
      }
    }
  }

  private PhysicalOperator create(PlanNode node, OperatorContext context) throws Exception {
    int partitions = context.exchangePartitions();
    switch (node.kind()) {
      case MATERIALIZE:
        return new CollectingSink(node.name());
      case REBALANCE:
        int blocks = ((RebalanceSpec) node.specs().get(0)).blockCount();
        if (blocks > 0) {
          return new AllToAllOperator(node.name(), new RepartitionExchange(blocks), parallelism);
        }
        return new MapOperator(node.name(), new RebalanceFunction(parallelism * 4, keyGrouping(node.input())), parallelism);
      case SPLITTABLE_PROCESS:
        return new MapOperator(node.name(),
            new SplittableProcessFunction((SplittableProcessSpec) node.specs().get(0), node, context), parallelism,
            node.resources());
      case FUSED_STAGE:
        FusedStageFunction stage = new FusedStageFunction(node, node.specs(), node.input(), context);
        if (node.execution().runsOnActors()) {
          int batch = node.execution().batchSize();
          Bundling bundling = new Bundling(batch, Math.max(batch, blockSize.rows() / batch * batch),
              ACTOR_BUNDLE_TARGET_NANOS);
          return new ActorPoolOperator(node.name(), stage::newActor, actorPool(node), node.resources(), bundling,
              ACTOR_DOWNSCALE_DELAY_NANOS,
              new ActorPoolOperator.Behaviour(isGpuActorPool(node) ? context.coreYield() : CoreYield.NEVER, retries));
        }
        int ownCap = node.execution().maxConcurrency();
        int cap = ownCap > 0 ? Math.min(parallelism, ownCap) : parallelism;
        return new MapOperator(node.name(), stage, cap, node.resources(), retries);
      case SOURCE:
        return new SourceOperator(node.name(), fusedSplits(node, context), parallelism, node.resources(), retries);
      case ALL_TO_ALL:
        TransformSpec spec = node.specs().get(0);
        if (spec instanceof GroupByKeySpec gbk) {
          return new AllToAllOperator(node.name(), new GroupByKeyExchange(gbk, partitions, context), parallelism);
        } else if (spec instanceof CombinePerKeySpec combine) {
          return new AllToAllOperator(node.name(), new CombinePerKeyExchange(combine, partitions, context), parallelism);
        } else if (spec instanceof ParDoSpec parDo) {
          return new AllToAllOperator(node.name(), new KeyedParDoExchange(parDo, node, partitions, context), parallelism,
              node.resources());
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException("cannot run " + node.kind() + " " + node.name());
  }

  private static boolean isGpuActorPool(PlanNode node) {
    return node.kind() == PlanNode.Kind.FUSED_STAGE && node.execution().runsOnActors() && node.resources().gpus() > 0;
  }

  /**
   * Whether blocks waiting for the node hold elements of its input collection, which its coder can
   * spill: not a lifted combine's partial accumulators, nor a side input being materialised.
   */
  private static boolean spillsInput(PlanNode node) {
    if (node.input() == null) {
      return false;
    }
    return switch (node.kind()) {
      case FUSED_STAGE, REBALANCE, SPLITTABLE_PROCESS -> true;
      case ALL_TO_ALL -> !(node.specs().get(0) instanceof CombinePerKeySpec);
      default -> false;
    };
  }

  /**
   * The node's own pool, or for a GPU stage without one: one actor to start with, growing to as
   * many as the run's resources could ever hold.
   */
  private ActorPoolConfig actorPool(PlanNode node) {
    if (node.execution().actorPool() != null) {
      return node.execution().actorPool();
    }
    ExecutionResources each = node.resources();
    int fit = Integer.MAX_VALUE;
    if (each.gpus() > 0) {
      fit = Math.min(fit, (int) Math.floor(limits.gpus() / each.gpus() + 1e-9));
    }
    if (each.cpus() > 0) {
      fit = Math.min(fit, (int) Math.floor(limits.cpus() / each.cpus() + 1e-9));
    }
    int max = Math.max(1, fit == Integer.MAX_VALUE ? parallelism : fit);
    return new ActorPoolConfig(1, max, 1, 2);
  }

  /** For KV collections, slices by key so that a reshuffle keeps each key's elements in order. */
  private static ToIntFunction<Object> keyGrouping(PCollection<?> collection) {
    if (!(collection.getCoder() instanceof KvCoder<?, ?> kvCoder)) {
      return null;
    }
    KeyPartitioner keys = new KeyPartitioner(kvCoder.getKeyCoder(), 1);
    return element -> {
      Object key = ((KV<?, ?>) ((WindowedValue<?>) element).getValue()).getKey();
      Object structural = keys.structuralKey(key);
      return structural == null ? 0 : structural.hashCode();
    };
  }

  /**
   * A source's splits; element-wise transforms fused into the source run inside the read task, on
   * each chunk as it is read, so what they consume never waits in a queue.
   */
  private List<SplitReader> fusedSplits(PlanNode node, OperatorContext context) throws Exception {
    TransformSpec source = node.specs().get(0);
    List<SplitReader> splits = splits(source, context);
    if (node.specs().size() == 1) {
      return splits;
    }
    PCollection<?> read = PhysicalPlan.outputsOf(source).get(0);
    FusedStageFunction stage = new FusedStageFunction(node, node.specs().subList(1, node.specs().size()), read, context);
    List<SplitReader> fused = new ArrayList<>(splits.size());
    for (SplitReader split : splits) {
      fused.add(new StagedSplitReader((ElementFeed) split, stage));
    }
    return fused;
  }

  private List<SplitReader> splits(TransformSpec spec, OperatorContext context) throws Exception {
    if (spec instanceof ImpulseSpec) {
      return List.of(new ImpulseSplit(spec.name()));
    }
    ReadSpec read = (ReadSpec) spec;
    List<SplitReader> splits = new ArrayList<>();
    for (BoundedSource<?> split : split(read)) {
      splits.add(new BoundedSourceSplit(split, read.output().getCoder(), read.name(), context));
    }
    return splits;
  }

  /** Splits up front into a few splits per worker, so reads run in parallel and balance. */
  private List<? extends BoundedSource<?>> split(ReadSpec read) throws Exception {
    BoundedSource<?> source = read.source();
    long estimated;
    try {
      estimated = source.getEstimatedSizeBytes(options);
    } catch (Exception e) {
      estimated = 0;
    }
    // A few splits per worker, but none under MIN_SPLIT_BYTES: splitting a small source only adds
    // tasks (Ray Data's target_min_block_size is the same 1 MiB). Where few bytes still mean much
    // work, the reads split themselves further as they go (BoundedSourceSplit.splitRemainder).
    // Without an estimate, bundles of 64 MiB still give several splits per GiB. split() is called
    // either way: sources may report metrics or validate there.
    long desiredBundleBytes = estimated > 0 ? Math.max(MIN_SPLIT_BYTES, estimated / (parallelism * 4L)) : 64L << 20;
    // Sources may report metrics while splitting; they belong to the read transform.
    List<? extends BoundedSource<?>> splits =
        metrics.runScoped(read.name(), () -> source.split(desiredBundleBytes, options));
    return splits.isEmpty() ? List.of(source) : splits;
  }
}
