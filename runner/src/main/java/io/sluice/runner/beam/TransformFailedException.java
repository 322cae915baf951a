package io.sluice.runner.beam;

import org.apache.beam.sdk.util.UserCodeException;

/** Marks which Beam transform's user code failed; its cause is the user's exception. */
public final class TransformFailedException extends RuntimeException {
  private final String transform;

  TransformFailedException(String transform, Throwable cause) {
    super("Transform '" + transform + "' failed: " + cause, cause, false, false);
    this.transform = transform;
  }

  public String transform() {
    return transform;
  }

  /** Attributes {@code error} to {@code transform} unless a transform further down already owns it. */
  static TransformFailedException attribute(String transform, Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TransformFailedException owned) {
        return owned;
      }
    }
    Throwable cause = error instanceof UserCodeException && error.getCause() != null ? error.getCause() : error;
    return new TransformFailedException(transform, cause);
  }
}
