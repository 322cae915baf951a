package io.sluice.runner.engine.block;

/** Byte counts as people read them, for stats and diagnoses. */
public final class ByteSizes {
  private ByteSizes() {}

  /** 512 B, 1.5 KiB, 12.0 MiB, 2.25 GiB. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
