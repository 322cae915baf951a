package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.block.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block on its way to disk, or on disk, to keep memory inside the budget. {@link #write()} runs
 * on a worker thread, never on the scheduling thread; until it has finished, the rows stay in
 * memory and a consumer that gets there first simply uses them (the file is then dropped). Once
 * written, {@link #load()} reads them back on the worker thread of the consuming task and the
 * file goes after its last rows were read. Slices of it share its file.
 */
public final class SpilledBlock implements Block {
  private final SpillFile file;
  private final int from;
  private final int to;
  /** What the executor counts for it in an input queue; set by the scheduling thread only. */
  private volatile long accountedBytes;

  SpilledBlock(SpillFile file) {
    this(file, 0, file.rows(), file.memoryBytes());
  }

  private SpilledBlock(SpillFile file, int from, int to, long accountedBytes) {
    this.file = file;
    this.from = from;
    this.to = to;
    this.accountedBytes = accountedBytes;
  }

  /** {@code block} itself if it is in memory, else what was spilled, read back. */
  public static Block inMemory(Block block) {
    return block instanceof SpilledBlock spilled ? spilled.load() : block;
  }

  @Override
  public int rows() {
    return to - from;
  }

  /** The bytes the executor counts for it: its size until written, 0 once it is on disk. */
  @Override
  public long bytes() {
    return accountedBytes;
  }

  /** The off-heap part of {@link #bytes}: as much as the spilled block had, until it is on disk. */
  @Override
  public long offHeapBytes() {
    return file.memoryBytes() == 0 ? 0 : (long) ((double) accountedBytes * file.offHeapBytes() / file.memoryBytes());
  }

  /** Called by the scheduling thread once the write has finished and the memory is free. */
  public void accountAsOnDisk() {
    accountedBytes = 0;
  }

  /** What it takes in memory when loaded. */
  public long memoryBytes() {
    return file.memoryBytes() * rows() / Math.max(1, file.rows());
  }

  /** Whether the rows are on disk now (the write finished before any consumer needed them). */
  public boolean isOnDisk() {
    return file.isOnDisk();
  }

  @Override
  public Block slice(int sliceFrom, int sliceTo) {
    long share = accountedBytes * (sliceTo - sliceFrom) / Math.max(1, rows());
    return new SpilledBlock(file, from + sliceFrom, from + sliceTo, share);
  }

  /** Encodes the rows to the file; on a worker thread. */
  public void write() {
    file.write();
  }

  /** The rows, from memory if the write has not finished, else from disk. */
  public Block load() {
    Block whole = file.read(rows());
    return from == 0 && to == whole.rows() ? whole : whole.slice(from, to);
  }

  @Override
  public String toString() {
    return "SpilledBlock{rows=" + rows() + ", " + file + "}";
  }

  /** One block's spill file, shared by its slices. */
  static final class SpillFile {
    private final Path path;
    private final int rows;
    private final long memoryBytes;
    private final long offHeapBytes;
    private final BlockCodec codec;
    private final SpillStore store;
    private Block inMemory;
    private boolean onDisk;
    private boolean servedFromMemory;
    private int loadedRows;

    SpillFile(Path path, Block block, BlockCodec codec, SpillStore store) {
      this.path = path;
      this.rows = block.rows();
      this.memoryBytes = block.bytes();
      this.offHeapBytes = block.offHeapBytes();
      this.codec = codec;
      this.store = store;
      this.inMemory = block;
    }

    int rows() {
      return rows;
    }

    long memoryBytes() {
      return memoryBytes;
    }

    long offHeapBytes() {
      return offHeapBytes;
    }

    synchronized boolean isOnDisk() {
      return onDisk;
    }

    void write() {
      Block block;
      synchronized (this) {
        if (servedFromMemory) {
          return; // a consumer already has the rows
        }
        block = inMemory;
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
        codec.encode(block, out);
      } catch (IOException e) {
        store.delete(path);
        throw new UncheckedIOException("could not spill a block to " + path, e);
      }
      boolean written;
      synchronized (this) {
        written = !servedFromMemory;
        if (written) {
          onDisk = true;
          inMemory = null;
        } else {
          store.delete(path);
        }
      }
      if (written) {
        block.release(); // the rows are read back from the file from now on
      }
    }

    synchronized Block read(int rowsWanted) {
      if (!onDisk) {
        servedFromMemory = true;
        return inMemory;
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
        return codec.decode(in, rows, memoryBytes);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read spilled block " + path, e);
      } finally {
        loadedRows += rowsWanted;
        if (loadedRows >= rows) {
          store.delete(path);
        }
      }
    }

    @Override
    public String toString() {
      return path.getFileName().toString();
    }
  }
}
