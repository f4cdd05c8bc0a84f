package org.taskwire;

import java.util.Optional;

/**
 * A work call failed for good: the remote method threw on its last attempt, its worker died, or
 * its payload or result could not travel. Carries the remote exception's class, message and stack
 * trace as text (the remote classes need not exist here), the attempt it failed on, and where the
 * worker's log is.
 */
public final class WorkFailedException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  private final String workName;
  private final FailureKind kind;
  private final String remoteClass;
  private final String remoteMessage;
  private final String remoteStackTrace;
  private final int attempt;
  private final int maxAttempts;
  private final String logLocation;
  private final String backendDetail;

  public WorkFailedException(
      String workName,
      FailureKind kind,
      String remoteClass,
      String remoteMessage,
      String remoteStackTrace,
      int attempt,
      int maxAttempts,
      String logLocation) {
    this(workName, kind, remoteClass, remoteMessage, remoteStackTrace, attempt, maxAttempts, logLocation, null);
  }

  public WorkFailedException(
      String workName,
      FailureKind kind,
      String remoteClass,
      String remoteMessage,
      String remoteStackTrace,
      int attempt,
      int maxAttempts,
      String logLocation,
      String backendDetail) {
    super(summary(workName, kind, remoteClass, remoteMessage, remoteStackTrace, attempt, maxAttempts, logLocation,
        backendDetail));
    this.workName = workName;
    this.kind = kind;
    this.remoteClass = remoteClass;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace == null ? "" : remoteStackTrace;
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.logLocation = logLocation;
    this.backendDetail = backendDetail;
  }

  private static String summary(
      String workName, FailureKind kind, String remoteClass, String remoteMessage,
      String stack, int attempt, int maxAttempts, String log, String detail) {
    StringBuilder b = new StringBuilder();
    if (attempt == 0) {
      // It never ran: its inputs failed or it was cancelled while waiting for them.
      b.append("work ").append(workName).append(" did not run (").append(kind).append("): ");
    } else {
      b.append("work ").append(workName).append(" failed on attempt ").append(attempt)
          .append(" of ").append(maxAttempts).append(" (").append(kind).append("): ");
    }
    b.append(remoteClass == null ? "" : remoteClass);
    if (remoteMessage != null && !remoteMessage.isEmpty()) {
      b.append(remoteClass == null ? "" : ": ").append(remoteMessage);
    }
    if (detail != null) {
      b.append(" [").append(detail).append(']');
    }
    if (log != null) {
      b.append(" [log: ").append(log).append(']');
    }
    if (stack != null && !stack.isBlank()) {
      b.append(System.lineSeparator()).append("Remote stack trace:").append(System.lineSeparator());
      stack.lines().limit(40).forEach(l -> b.append("    ").append(l.strip()).append(System.lineSeparator()));
    }
    return b.toString().stripTrailing();
  }

  /** The work method's name. */
  public String workName() { return workName; }

  /** Why the call failed. */
  public FailureKind kind() { return kind; }

  /** Class name of the remote exception, e.g. {@code java.lang.IllegalStateException}. */
  public String remoteClass() { return remoteClass; }

  /** Message of the remote exception; may be empty. */
  public String remoteMessage() { return remoteMessage; }

  /** The remote stack trace as text, as the worker printed it; empty if there was none. */
  public String remoteStackTrace() { return remoteStackTrace; }

  /** The attempt (1-based) this failure happened on; 0 if the call never ran ({@code DEPENDENCY_FAILED}, {@code CANCELLED}). */
  public int attempt() { return attempt; }

  /** The attempts the call was allowed. */
  public int maxAttempts() { return maxAttempts; }

  /** Where the worker's output is, when the backend knows. */
  public Optional<String> logLocation() { return Optional.ofNullable(logLocation); }

  /**
   * Where the backend ran the call and what it reported, e.g. a PanDA job's id, state and error
   * codes; kept apart from {@link #remoteMessage()}, which is the remote exception's own message
   * on every backend.
   */
  public Optional<String> backendDetail() { return Optional.ofNullable(backendDetail); }
}
