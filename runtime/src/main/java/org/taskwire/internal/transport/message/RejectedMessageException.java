package org.taskwire.internal.transport.message;

/** A received message that must not complete any call; the message says why. */
public final class RejectedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  public RejectedMessageException(String message) {
    super(message);
  }

  public RejectedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
