package io.sluice.runner.engine.spill;

import io.sluice.runner.engine.block.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Spill files of one run, in a directory of their own: each is deleted once read back, and the
 * directory with whatever is left when the run ends, failed or not. Created lazily: a run that
 * never spills touches no disk.
 */
public final class SpillStore implements AutoCloseable {
  private final Path parent;
  private final String prefix;
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicLong spilledBlocks = new AtomicLong();
  private final AtomicLong spilledBytes = new AtomicLong();
  private Path directory;

  /** @param parent where the run's spill directory goes (e.g. java.io.tmpdir) */
  public SpillStore(Path parent, String prefix) {
    this.parent = parent;
    this.prefix = prefix;
  }

  /**
   * A stand-in for {@code block} that will hold its rows on disk once {@link SpilledBlock#write()}
   * has run (on a worker thread); until then the rows stay in memory.
   */
  public SpilledBlock begin(Block block, BlockCodec codec) {
    Path file = directory().resolve("block-" + nextId.incrementAndGet() + ".bin");
    spilledBlocks.incrementAndGet();
    spilledBytes.addAndGet(block.bytes());
    return new SpilledBlock(new SpilledBlock.SpillFile(file, block, codec, this));
  }

  /** Writes {@code block} to disk now, on the calling thread; the returned block stands in for it. */
  public SpilledBlock spill(Block block, BlockCodec codec) {
    SpilledBlock spilled = begin(block, codec);
    spilled.write();
    return spilled;
  }

  /** Blocks spilled so far, and their size in memory. */
  public long spilledBlocks() {
    return spilledBlocks.get();
  }

  public long spilledBytes() {
    return spilledBytes.get();
  }

  /** The run's spill directory, or null if nothing was spilled yet. */
  public synchronized Path directoryIfCreated() {
    return directory;
  }

  void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for close(), which removes the whole directory.
    }
  }

  private synchronized Path directory() {
    if (directory == null) {
      try {
        directory = Files.createTempDirectory(parent, prefix);
      } catch (IOException e) {
        throw new UncheckedIOException("could not create a spill directory in " + parent, e);
      }
    }
    return directory;
  }

  /** Deletes every spill file left and the directory. */
  @Override
  public synchronized void close() throws IOException {
    if (directory == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
