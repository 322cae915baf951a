package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.block.Block;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block written to disk to keep memory inside the budget. It holds no rows in memory (its
 * {@link #bytes()} is 0); {@link #load()} reads it back, on the worker thread of the task that
 * consumes it, and deletes the file. A slice stays on disk until loaded too.
 */
public final class SpilledBlock implements Block {
  private final SpillFile file;
  private final int from;
  private final int to;

  SpilledBlock(SpillFile file) {
    this(file, 0, file.rows());
  }

  private SpilledBlock(SpillFile file, int from, int to) {
    this.file = file;
    this.from = from;
    this.to = to;
  }

  /** {@code block} itself if it is in memory, else what was spilled, read back. */
  public static Block inMemory(Block block) {
    return block instanceof SpilledBlock spilled ? spilled.load() : block;
  }

  @Override
  public int rows() {
    return to - from;
  }

  /** Nothing of it is in memory. */
  @Override
  public long bytes() {
    return 0;
  }

  /** What it will take in memory once loaded. */
  public long memoryBytes() {
    return file.memoryBytes() * rows() / Math.max(1, file.rows());
  }

  @Override
  public Block slice(int sliceFrom, int sliceTo) {
    return new SpilledBlock(file, from + sliceFrom, from + sliceTo);
  }

  /** Reads the rows back; the file goes once all its rows have been loaded, slice by slice. */
  public Block load() {
    Block whole = file.read(rows());
    return from == 0 && to == whole.rows() ? whole : whole.slice(from, to);
  }

  @Override
  public String toString() {
    return "SpilledBlock{rows=" + rows() + ", " + file + "}";
  }

  /** One spilled block's file, read back by each slice and deleted once all rows were loaded. */
  static final class SpillFile {
    private final Path path;
    private final int rows;
    private final long memoryBytes;
    private final BlockCodec codec;
    private final SpillStore store;
    private int loadedRows;

    SpillFile(Path path, int rows, long memoryBytes, BlockCodec codec, SpillStore store) {
      this.path = path;
      this.rows = rows;
      this.memoryBytes = memoryBytes;
      this.codec = codec;
      this.store = store;
    }

    int rows() {
      return rows;
    }

    long memoryBytes() {
      return memoryBytes;
    }

    synchronized Block read(int rowsWanted) {
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
