package io.sluice.runner.engine.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.ColumnarBlockTest;
import io.sluice.runner.engine.block.RowBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillStoreTest {
  @TempDir Path parent;

  @Test
  void aSpilledBlockHoldsNoMemoryAndReadsBackWhatWasWrittenThenItsFileGoes() throws Exception {
    try (SpillStore store = new SpillStore(parent, "t-")) {
      SpilledBlock spilled = store.spill(new RowBlock<>(List.of(1, 2, 3), 300), new IntBlockCodec());
      assertEquals(3, spilled.rows());
      assertTrue(spilled.isOnDisk());
      assertEquals(300, spilled.bytes(), "counted in its queue until the executor accounts for the write");
      spilled.accountAsOnDisk();
      assertEquals(0, spilled.bytes());
      assertEquals(300, spilled.memoryBytes());
      assertEquals(1, files(store.directoryIfCreated()));

      Block loaded = spilled.load();
      assertEquals(List.of(1, 2, 3), ((RowBlock<?>) loaded).elements());
      assertEquals(300, loaded.bytes(), "back in memory at its old size");
      assertEquals(0, files(store.directoryIfCreated()), "deleted once read back");
      assertEquals(1, store.spilledBlocks());
    }
  }

  @Test
  void aColumnarBlockFreesItsBatchOnceWrittenButNotWhenAConsumerTookItFromMemory() throws Exception {
    try (SpillStore store = new SpillStore(parent, "t-")) {
      ColumnarBlockTest.FakeBatch written = new ColumnarBlockTest.FakeBatch(4);
      SpilledBlock spilled = store.spill(new ColumnarBlock(written), new RowCountCodec());
      assertTrue(spilled.isOnDisk());
      assertEquals(1, written.closes, "on disk, its buffers are freed");
      assertEquals(4, spilled.load().rows());

      ColumnarBlockTest.FakeBatch served = new ColumnarBlockTest.FakeBatch(3);
      SpilledBlock pending = store.begin(new ColumnarBlock(served), new RowCountCodec());
      Block fromMemory = pending.load();
      pending.write();
      assertEquals(0, served.closes, "the consumer has it");
      fromMemory.release();
      assertEquals(1, served.closes);
    }
  }

  /** Writes a block as its row count, read back as that many zeros. */
  private static final class RowCountCodec implements BlockCodec {
    @Override
    public void encode(Block block, java.io.OutputStream out) throws java.io.IOException {
      out.write(block.rows());
    }

    @Override
    public Block decode(java.io.InputStream in, int rows, long memoryBytes) throws java.io.IOException {
      return new RowBlock<>(new ArrayList<>(java.util.Collections.nCopies(in.read(), 0)), memoryBytes);
    }
  }

  @Test
  void slicesOfASpilledBlockEachReadTheirRowsAndTheFileGoesAfterTheLast() throws Exception {
    try (SpillStore store = new SpillStore(parent, "t-")) {
      SpilledBlock spilled = store.spill(new RowBlock<>(List.of(1, 2, 3, 4, 5), 50), new IntBlockCodec());
      Block head = spilled.slice(0, 2);
      Block tail = spilled.slice(2, 5);
      assertEquals(List.of(1, 2), ((RowBlock<?>) SpilledBlock.inMemory(head)).elements());
      assertEquals(1, files(store.directoryIfCreated()), "the tail still needs it");
      assertEquals(List.of(3, 4, 5), ((RowBlock<?>) SpilledBlock.inMemory(tail)).elements());
      assertEquals(0, files(store.directoryIfCreated()));
    }
  }

  @Test
  void aConsumerThatComesBeforeTheWriteGetsTheRowsFromMemoryAndNoFileStays() throws Exception {
    try (SpillStore store = new SpillStore(parent, "t-")) {
      SpilledBlock pending = store.begin(new RowBlock<>(List.of(7, 8), 20), new IntBlockCodec());
      assertFalse(pending.isOnDisk());
      assertEquals(List.of(7, 8), ((RowBlock<?>) pending.load()).elements());
      pending.write(); // the worker gets there late: nothing is written
      assertFalse(pending.isOnDisk());
      assertEquals(0, files(store.directoryIfCreated()));
    }
  }

  @Test
  void closeDeletesWhatWasNeverReadBackAndTheDirectory() throws Exception {
    SpillStore store = new SpillStore(parent, "t-");
    List<SpilledBlock> left = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      left.add(store.spill(new RowBlock<>(List.of(i), 10), new IntBlockCodec()));
    }
    Path directory = store.directoryIfCreated();
    assertEquals(3, files(directory));
    store.close();
    assertFalse(Files.exists(directory));
  }

  @Test
  void aRunThatNeverSpillsTouchesNoDisk() throws Exception {
    try (SpillStore store = new SpillStore(parent, "t-")) {
      assertNull(store.directoryIfCreated());
    }
    assertTrue(Files.list(parent).findAny().isEmpty());
  }

  private static long files(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }
}
