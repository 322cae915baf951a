package io.sluice.runner.engine.block;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block whose rows live in a columnar batch (an Arrow record batch, say) held off the heap, which
 * a consumer able to take columns gets as it is, without converting it to objects.
 *
 * <p>The batch is owned jointly by the views cut from it ({@link #slice}): each view's rows are
 * released once ({@link #release}), when consumed, dropped or spilled, and the batch is closed when
 * the last of its rows is. A batch whose views all become unreachable unreleased (a failed or
 * cancelled run abandons its queues) is closed by a cleaner, so its memory is not lost.
 */
public final class ColumnarBlock implements Block {
  /** The columnar data: its exact size, and how to free it. */
  public interface Batch extends AutoCloseable {
    int rows();

    /** Bytes of its buffers. */
    long bytes();

    /** Frees the buffers; called once. */
    @Override
    void close();
  }

  private static final Cleaner CLEANER = Cleaner.create();

  private final Shared shared;
  private final int from;
  private final int to;
  private final AtomicBoolean released = new AtomicBoolean();

  /** A block over all of {@code batch}, which it now owns. */
  public ColumnarBlock(Batch batch) {
    this(new Shared(batch), 0, batch.rows());
  }

  private ColumnarBlock(Shared shared, int from, int to) {
    this.shared = shared;
    this.from = from;
    this.to = to;
  }

  /** The whole batch this block is a view of; read rows {@link #from()} to {@link #to()} of it. */
  public Batch batch() {
    return shared.batch;
  }

  public int from() {
    return from;
  }

  public int to() {
    return to;
  }

  /** Whether this view is the whole batch and the only one left, so a consumer may take the batch itself. */
  public boolean ownsWholeBatch() {
    return from == 0 && to == shared.batch.rows() && shared.outstandingRows.get() == rows();
  }

  @Override
  public int rows() {
    return to - from;
  }

  @Override
  public long bytes() {
    int all = shared.batch.rows();
    return all == 0 ? shared.batch.bytes() : shared.batch.bytes() * rows() / all;
  }

  /** All of it: the batch's buffers are off the heap. */
  @Override
  public long offHeapBytes() {
    return bytes();
  }

  @Override
  public ColumnarBlock slice(int sliceFrom, int sliceTo) {
    if (sliceFrom < 0 || sliceTo > rows() || sliceFrom > sliceTo) {
      throw new IndexOutOfBoundsException("slice [" + sliceFrom + ", " + sliceTo + ") of " + rows() + " rows");
    }
    if (sliceFrom == 0 && sliceTo == rows()) {
      return this;
    }
    return new ColumnarBlock(shared, from + sliceFrom, from + sliceTo);
  }

  /**
   * Hands the batch itself to the caller, who closes it, in place of releasing this view: only for
   * a view that {@link #ownsWholeBatch()}, and it then counts as released.
   */
  public Batch take() {
    if (!ownsWholeBatch() || !released.compareAndSet(false, true)) {
      throw new IllegalStateException("only the one view of a whole batch can take it, once");
    }
    shared.closer.taken = true;
    shared.cleanable.clean(); // deregisters; the batch is the caller's to close now
    return shared.batch;
  }

  @Override
  public void release() {
    if (released.compareAndSet(false, true)) {
      shared.release(rows());
    }
  }

  @Override
  public String toString() {
    return "ColumnarBlock{rows=" + rows() + ", bytes=" + bytes() + "}";
  }

  /** The batch and how many of its rows are still to be released; closes it after the last. */
  private static final class Shared {
    private final Batch batch;
    private final AtomicLong outstandingRows;
    private final Closer closer;
    private final Cleaner.Cleanable cleanable;

    Shared(Batch batch) {
      this.batch = batch;
      this.outstandingRows = new AtomicLong(batch.rows());
      this.closer = new Closer(batch);
      this.cleanable = CLEANER.register(this, closer);
    }

    void release(int rows) {
      if (outstandingRows.addAndGet(-rows) <= 0) {
        cleanable.clean();
      }
    }
  }

  /** Refers to the batch only, never to the views, so that they can become unreachable. */
  private static final class Closer implements Runnable {
    private final Batch batch;
    /** Set when a consumer took the batch: closing it is then the consumer's part. */
    private volatile boolean taken;

    Closer(Batch batch) {
      this.batch = batch;
    }

    @Override
    public void run() {
      if (!taken) {
        batch.close();
      }
    }
  }
}
