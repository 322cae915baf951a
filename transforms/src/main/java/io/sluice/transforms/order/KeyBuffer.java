package io.sluice.transforms.order;

import java.util.Arrays;

/** A growable byte array for building order-preserving keys; big-endian like the key order itself. */
final class KeyBuffer {
  private byte[] bytes = new byte[32];
  private int size;

  int size() {
    return size;
  }

  void put(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  void putShort(short value) {
    put(value >>> 8);
    put(value);
  }

  void putInt(int value) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (value >>> shift);
    }
  }

  void putLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (value >>> shift);
    }
  }

  /** Flips every bit from {@code from} to the end: turns an ascending encoding into a descending one. */
  void invertFrom(int from) {
    for (int i = from; i < size; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
