package io.sluice.runner.beam;

import io.sluice.runner.ColumnarDoFn;
import io.sluice.runner.ColumnarRows;
import io.sluice.runner.DeviceContext;
import io.sluice.runner.engine.actor.Actor;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.RowBlock;
import io.sluice.runner.engine.operator.BlockFunction;
import io.sluice.runner.engine.operator.PhysicalOperator.OutputBlock;
import io.sluice.runner.plan.ParDoSpec;
import io.sluice.runner.plan.PlanNode;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Runs a columnar step ({@link ColumnarDoFn}: MapBatches over Arrow) on whole batches. A columnar
 * block holding exactly one batch reaches the DoFn as it is, with no copy; a slice of one gets a
 * batch sharing its buffers; rows, or a batch spanning blocks, are put into columns first. The
 * output leaves as columns where the plan says its one consumer takes them, else as rows.
 */
final class ColumnarStageFunction implements BlockFunction {
  private final PlanNode node;
  private final ParDoSpec spec;
  private final OperatorContext context;
  private final ConcurrentLinkedQueue<Instance> idle = new ConcurrentLinkedQueue<>();
  private final Set<Instance> live = ConcurrentHashMap.newKeySet();

  ColumnarStageFunction(PlanNode node, OperatorContext context) {
    this.node = node;
    this.spec = (ParDoSpec) node.specs().get(0);
    this.context = context;
  }

  @Override
  public List<OutputBlock> apply(Block input) throws Exception {
    Instance instance = idle.poll();
    if (instance == null) {
      instance = new Instance();
      live.add(instance);
    }
    try {
      List<OutputBlock> outputs = instance.run(List.of(input));
      idle.add(instance);
      return outputs;
    } catch (Throwable t) {
      live.remove(instance); // as Beam does: a DoFn that threw is torn down, not reused
      instance.tearDown(t);
      throw t;
    }
  }

  /** An actor of this step: an instance of its own, set up with the actor's devices as the current {@link DeviceContext}. */
  Actor newActor(int actorIndex, List<Integer> deviceIds) throws Exception {
    DeviceContext devices = new DeviceContext(actorIndex, deviceIds, node.resources().gpus());
    Instance instance = DeviceContext.callWith(devices, Instance::new);
    return new Actor() {
      private boolean tornDown;

      @Override
      public List<OutputBlock> apply(List<Block> bundle) throws Exception {
        try {
          return DeviceContext.callWith(devices, () -> instance.run(bundle));
        } catch (Throwable t) {
          close(t);
          throw t;
        }
      }

      @Override
      public void close() throws Exception {
        close(null);
      }

      private void close(Throwable failure) throws Exception {
        if (!tornDown) {
          tornDown = true;
          DeviceContext.callWith(devices, () -> {
            instance.tearDown(failure);
            return null;
          });
        }
      }
    };
  }

  @Override
  public void close() {
    for (Instance instance : live) {
      instance.tearDown(null);
    }
    live.clear();
    idle.clear();
  }

  /**
   * The blocks of a bundle cut into batches of {@code batchRows} (only the last may be short),
   * each a list of slices; {@code batchRows} 0 makes each block a batch.
   */
  static List<List<Block>> cut(List<Block> bundle, int batchRows) {
    List<List<Block>> batches = new ArrayList<>();
    List<Block> current = new ArrayList<>();
    int currentRows = 0;
    for (Block block : bundle) {
      if (block.rows() == 0) {
        block.release();
        continue;
      }
      if (batchRows == 0) {
        batches.add(List.of(block));
        continue;
      }
      for (int offset = 0; offset < block.rows(); ) {
        int take = Math.min(block.rows() - offset, batchRows - currentRows);
        current.add(block.slice(offset, offset + take));
        offset += take;
        currentRows += take;
        if (currentRows == batchRows) {
          batches.add(current);
          current = new ArrayList<>();
          currentRows = 0;
        }
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private final class Instance {
    private final DoFn<?, ?> fn = DoFnInstances.setUp(spec.fn(), context.options());
    private final ColumnarDoFn columnar = (ColumnarDoFn) fn;

    List<OutputBlock> run(List<Block> bundle) throws Exception {
      List<List<Block>> batches = cut(bundle, columnar.batchSize());
      List<OutputBlock> outputs = new ArrayList<>();
      // Rows for consumers that read rows; none where the output is read by nothing or as columns.
      BlockBuilder rows = node.emitsColumns() || node.outputs().isEmpty() ? null
          : new BlockBuilder(0, node.outputs().get(0).getCoder(), context.blockSize(), outputs);
      TaskMetrics taskMetrics = new TaskMetrics();
      boolean succeeded = false;
      try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(taskMetrics.containerFor(spec.name()))) {
        for (List<Block> batch : batches) {
          emit(process(batch), rows, outputs);
        }
        if (rows != null) {
          rows.seal();
        }
        succeeded = true;
      } catch (Exception e) {
        throw TransformFailedException.attribute(spec.name(), e);
      } finally {
        context.metrics().merge(taskMetrics, succeeded);
        for (List<Block> batch : batches) {
          batch.forEach(Block::release); // those a failure left; released slices ignore it
        }
      }
      return outputs;
    }

    private ColumnarRows process(List<Block> pieces) throws Exception {
      ColumnarRows input;
      boolean ownInput = true;
      if (pieces.size() == 1 && pieces.get(0) instanceof ColumnarBlock block
          && block.batch() instanceof ColumnarRows whole) {
        ownInput = !block.ownsWholeBatch();
        input = ownInput ? whole.slice(block.from(), block.to()) : whole;
      } else {
        input = toColumns(pieces);
      }
      try {
        return columnar.processColumns(input);
      } finally {
        if (ownInput) {
          input.close();
        }
        pieces.forEach(Block::release);
      }
    }

    /** Rows, and slices of batches, put into one batch: a copy, where the batch does not lie in one block. */
    private ColumnarRows toColumns(List<Block> pieces) throws Exception {
      List<Object> values = new ArrayList<>();
      Instant latest = BoundedWindow.TIMESTAMP_MIN_VALUE;
      for (Block piece : pieces) {
        if (piece instanceof ColumnarBlock block && block.batch() instanceof ColumnarRows batch) {
          values.addAll(batch.values(block.from(), block.to()));
          latest = batch.timestamp().isAfter(latest) ? batch.timestamp() : latest;
        } else {
          for (Object element : ((RowBlock<?>) piece).elements()) {
            WindowedValue<?> windowed = (WindowedValue<?>) element;
            values.add(windowed.getValue());
            latest = windowed.getTimestamp().isAfter(latest) ? windowed.getTimestamp() : latest;
          }
        }
      }
      return columnar.toColumns(values, latest);
    }

    private void emit(ColumnarRows output, BlockBuilder rows, List<OutputBlock> outputs) {
      if (node.emitsColumns() && output.rows() > 0) {
        outputs.add(new OutputBlock(0, new ColumnarBlock(output)));
        return;
      }
      try {
        if (rows != null) {
          for (Object value : output.values(0, output.rows())) {
            rows.add(WindowedValues.timestampedValueInGlobalWindow(value, output.timestamp()));
          }
        }
      } finally {
        output.close();
      }
    }

    void tearDown(Throwable failure) {
      DoFnInstances.tearDown(fn, failure);
    }
  }
}
