package io.sluice.runner.engine.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.block.Block;
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
