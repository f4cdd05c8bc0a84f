package org.taskwire.internal.call;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.taskwire.FailureKind;

/**
 * A failure as it travels back from a worker: its kind, the remote exception's class and message,
 * the stack trace as text, where the worker's log is, and what the backend adds about where it
 * ran ({@code backendDetail}, e.g. a PanDA job's id and error codes). The message is always the
 * remote exception's own, whatever the backend, so a check written against it holds everywhere.
 */
public record RemoteError(FailureKind kind, String className, String message, String stackTrace, String logLocation,
    String backendDetail) {

  /** An error with no backend detail. */
  public RemoteError(FailureKind kind, String className, String message, String stackTrace, String logLocation) {
    this(kind, className, message, stackTrace, logLocation, null);
  }

  /** Describes a throwable caught on the worker. */
  public static RemoteError of(FailureKind kind, Throwable t) {
    StringWriter text = new StringWriter();
    t.printStackTrace(new PrintWriter(text));
    return new RemoteError(kind, t.getClass().getName(), t.getMessage(), text.toString(), null);
  }

  /** A failure with no remote exception behind it. */
  public static RemoteError of(FailureKind kind, String message) {
    return new RemoteError(kind, null, message, "", null);
  }

  /**
   * A failure a backend saw, whose kind the run's failure table decides from its cause (see
   * {@code internal.backend.Failure}); its kind is null until then.
   */
  public static RemoteError unclassified(String message) {
    return new RemoteError(null, null, message, "", null);
  }

  /** The kind's name, or null when it is unset: what a binary frame carries. */
  public String kindName() {
    return kind == null ? null : kind.name();
  }

  /**
   * An error read back from a frame, its kind by name.
   *
   * @throws IllegalArgumentException if no kind has that name
   */
  public static RemoteError named(String kindName, String className, String message, String stackTrace,
      String logLocation, String backendDetail) {
    return new RemoteError(kindName == null ? null : FailureKind.valueOf(kindName), className, message, stackTrace,
        logLocation, backendDetail);
  }

  /** The same error with its kind set. */
  public RemoteError withKind(FailureKind kind) {
    return new RemoteError(kind, className, message, stackTrace, logLocation, backendDetail);
  }

  /** The same error with a log location. */
  public RemoteError withLog(String location) {
    return new RemoteError(kind, className, message, stackTrace, location, backendDetail);
  }
}
