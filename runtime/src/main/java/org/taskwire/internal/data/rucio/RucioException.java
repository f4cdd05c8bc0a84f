package org.taskwire.internal.data.rucio;

/** Rucio refused a request or could not be reached; the message says which, and what to check. */
public final class RucioException extends RuntimeException {
  private final String exceptionClass;

  RucioException(String message) {
    this(message, null);
  }

  RucioException(String message, String exceptionClass) {
    super(message);
    this.exceptionClass = exceptionClass;
  }

  /** Rucio's name for the error ({@code DataIdentifierAlreadyExists}, …), or null when it gave none. */
  public String exceptionClass() {
    return exceptionClass;
  }
}
