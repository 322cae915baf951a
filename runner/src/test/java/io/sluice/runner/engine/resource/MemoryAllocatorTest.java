package io.sluice.runner.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemoryAllocatorTest {
  @Test
  void idleOperatorsEachReserveAnEqualPartOfHalfAndShareTheRest() {
    // 1000 bytes, 4 operators: 125 reserved each; the free 500 is split 125 apiece.
    assertArrayEquals(new long[] {250, 250, 250, 250}, MemoryAllocator.budgets(1000, new long[4]));
  }

  @Test
  void theSharedPoolShrinksAsOperatorsHoldMoreThanTheirReservation() {
    // Upstream (last) holds 600: only 1000 - 600 - 3 x 125 = 25 is free for anyone.
    long[] budgets = MemoryAllocator.budgets(1000, new long[] {0, 0, 0, 600});
    assertEquals(125 + 6, budgets[0], "downstream first: 25 / 4 = 6");
    assertEquals(600 + 7, budgets[3]);
    assertTrue(Arrays.stream(budgets).sum() <= 1000 + 600, Arrays.toString(budgets));
  }

  @Test
  void aProducerHoldingEverythingStillLeavesItsConsumersTheirReservations() {
    long[] budgets = MemoryAllocator.budgets(1000, new long[] {0, 5000});
    assertEquals(250, budgets[0], "the consumer keeps its reservation");
    assertEquals(5000, budgets[1], "the producer may hold what it holds, and no more");
  }

  @Test
  void remaindersOfTheSharedPoolGoDownstream() {
    long[] budgets = MemoryAllocator.budgets(100, new long[3]);
    // 16 reserved each (50 / 3), 52 free: 17, 17, 18 with the remainder last (upstream-most).
    assertEquals(100, Arrays.stream(budgets).sum());
  }

  @Test
  void anUnlimitedBudgetGivesEveryOperatorNoLimit() {
    assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE},
        MemoryAllocator.budgets(Long.MAX_VALUE, new long[] {Long.MAX_VALUE / 2, 10}));
  }

  @Test
  void noOperatorsNoBudgets() {
    assertEquals(0, MemoryAllocator.budgets(1000, new long[0]).length);
  }
}
