package org.taskwire;

/** Base of every exception Taskwire throws; unchecked, like a local call's failures. */
public class TaskwireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TaskwireException(String message) {
    super(message);
  }

  public TaskwireException(String message, Throwable cause) {
    super(message, cause);
  }
}
