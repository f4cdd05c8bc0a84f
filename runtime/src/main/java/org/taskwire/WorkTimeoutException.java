package org.taskwire;

/** A wait for a result ran out of time; the call itself goes on unless cancelled. */
public final class WorkTimeoutException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  public WorkTimeoutException(String message) {
    super(message);
  }
}
