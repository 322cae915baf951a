package io.sluice.runner.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runner.engine.operator.CollectingSink;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

  private static Topology withOperators(String... names) {
    Topology topology = new Topology();
    for (String name : names) {
      topology.add(new CollectingSink(name));
    }
    return topology;
  }

  @Test
  void addReturnsConsecutiveIdsInInsertionOrder() {
    Topology topology = new Topology();
    CollectingSink a = new CollectingSink("a");
    CollectingSink b = new CollectingSink("b");

    assertEquals(0, topology.add(a));
    assertEquals(1, topology.add(b));
    assertEquals(2, topology.size());
    assertSame(a, topology.operator(0));
    assertSame(b, topology.operator(1));
  }

  @Test
  void connectRecordsForwardEdgesIncludingDuplicates() {
    Topology topology = withOperators("a", "b", "c");

    topology.connect(0, 0, 2);
    topology.connect(1, 3, 2);
    topology.connect(0, 0, 2);

    assertEquals(
        List.of(new Topology.Edge(0, 0, 2), new Topology.Edge(1, 3, 2), new Topology.Edge(0, 0, 2)),
        topology.edges());
  }

  @Test
  void connectRejectsBackwardEdgeNamingBothOperators() {
    Topology topology = withOperators("first", "second");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> topology.connect(1, 0, 0));

    assertTrue(e.getMessage().contains("second -> first"), e.getMessage());
    assertTrue(e.getMessage().contains("topological order"), e.getMessage());
    assertTrue(topology.edges().isEmpty());
  }

  @Test
  void connectRejectsSelfEdge() {
    Topology topology = withOperators("only");

    assertThrows(IllegalArgumentException.class, () -> topology.connect(0, 0, 0));
  }

  @Test
  void connectRejectsUnknownIds() {
    Topology topology = withOperators("a", "b");

    IllegalArgumentException tooLarge =
        assertThrows(IllegalArgumentException.class, () -> topology.connect(0, 0, 2));
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> topology.connect(-1, 0, 1));

    assertTrue(tooLarge.getMessage().contains("no operator with id 2"), tooLarge.getMessage());
    assertTrue(negative.getMessage().contains("no operator with id -1"), negative.getMessage());
    assertTrue(topology.edges().isEmpty());
  }

  @Test
  void startAfterAcceptsAnEarlierPrerequisite() {
    Topology topology = withOperators("sink", "reader");

    topology.startAfter(1, 0);

    assertEquals(1, topology.prerequisites().size());
    assertArrayEquals(new int[] {1, 0}, topology.prerequisites().get(0));
  }

  @Test
  void startAfterRejectsALaterPrerequisiteNamingBoth() {
    Topology topology = withOperators("reader", "sink");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> topology.startAfter(0, 1));

    assertTrue(e.getMessage().contains("reader cannot wait for sink"), e.getMessage());
    assertTrue(topology.prerequisites().isEmpty());
  }

  @Test
  void startAfterRejectsWaitingForItself() {
    Topology topology = withOperators("a");

    assertThrows(IllegalArgumentException.class, () -> topology.startAfter(0, 0));
  }

  @Test
  void startAfterRejectsUnknownIds() {
    Topology topology = withOperators("a", "b");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> topology.startAfter(5, 0));
    assertTrue(e.getMessage().contains("no operator with id 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> topology.startAfter(1, -1));
    assertTrue(topology.prerequisites().isEmpty());
  }
}
