package org.taskwire.internal.sandbox;

import org.taskwire.TaskwireException;

/** A sandbox cannot be built, fetched, verified or opened; the message names the file and why. */
public final class SandboxException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so a worker can exit with a distinct code. */
  public enum Reason {
    /** Building failed or the sandbox is too large. */
    BUILD,
    /** The file cannot be fetched or read. */
    UNAVAILABLE,
    /** The file's hash does not match its name: corrupt or truncated. */
    CORRUPT,
    /** An entry would land outside the sandbox, or is a link or device. */
    UNSAFE
  }

  private final Reason reason;

  public SandboxException(String message) {
    this(Reason.BUILD, message, null);
  }

  public SandboxException(String message, Throwable cause) {
    this(Reason.BUILD, message, cause);
  }

  public SandboxException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
