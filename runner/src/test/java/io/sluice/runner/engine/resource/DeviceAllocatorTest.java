package io.sluice.runner.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceAllocatorTest {
  @Test
  void wholeDevicesGoToOneHolderEach() {
    DeviceAllocator devices = new DeviceAllocator(3);
    assertEquals(List.of(0, 1), devices.allocate(2));
    assertEquals(List.of(2), devices.allocate(1));
    assertNull(devices.allocate(1), "all three are taken");
    devices.release(List.of(0, 1), 2);
    assertEquals(List.of(0), devices.allocate(1));
  }

  @Test
  void sharesPackOntoOneDeviceBeforeOpeningTheNext() {
    DeviceAllocator devices = new DeviceAllocator(2);
    assertEquals(List.of(0), devices.allocate(0.5));
    assertEquals(List.of(0), devices.allocate(0.5), "two halves share device 0");
    assertEquals(List.of(1), devices.allocate(0.5));
    assertEquals(List.of(1), devices.allocate(0.25));
    assertNull(devices.allocate(0.5), "only a quarter of device 1 is left");
    assertEquals(List.of(1), devices.allocate(0.25));
  }

  @Test
  void sharesLeaveWholeDevicesForWholeRequests() {
    DeviceAllocator devices = new DeviceAllocator(2);
    devices.allocate(0.5);
    assertEquals(List.of(1), devices.allocate(1), "device 0 is part-used, device 1 is whole");
    assertNull(devices.allocate(1));
  }

  @Test
  void zeroGpusNeedNoDevice() {
    assertEquals(List.of(), new DeviceAllocator(0).allocate(0));
  }

  @Test
  void fractionsAboveOneCannotBePlaced() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeviceAllocator(2).allocate(1.5));
    assertEquals("1.5 GPUs cannot be placed on devices: ask for a share below 1 or a whole number", e.getMessage());
  }
}
