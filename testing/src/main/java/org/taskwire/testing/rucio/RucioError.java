package org.taskwire.testing.rucio;

/**
 * An error the emulated server answers with: the HTTP status and Rucio's exception class and
 * message, which the client maps back to its own exception type.
 */
final class RucioError extends RuntimeException {
  final int status;
  final String exceptionClass;

  RucioError(int status, String exceptionClass, String message) {
    super(message);
    this.status = status;
    this.exceptionClass = exceptionClass;
  }
}
