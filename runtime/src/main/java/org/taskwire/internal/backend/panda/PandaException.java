package org.taskwire.internal.backend.panda;

import org.taskwire.TaskwireException;

/**
 * A PanDA call failed. The message keeps what the server said (panda-client drops it), the call,
 * and the HTTP status when there was one (0 for a validation failure inside a 200 answer).
 */
public final class PandaException extends TaskwireException {
  private static final long serialVersionUID = 1L;
  private final String call;
  private final int status;

  public PandaException(String call, int status, String message, Throwable cause) {
    super(call + ": " + message, cause);
    this.call = call;
    this.status = status;
  }

  /** The call, e.g. {@code task/submit}. */
  public String call() {
    return call;
  }

  /** The HTTP status, or 200 for an answer with {@code success: false}. */
  public int status() {
    return status;
  }
}
