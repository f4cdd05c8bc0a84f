package org.taskwire.call;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.taskwire.FailureKind;

/**
 * A failure as it travels back from a worker: its kind, the remote exception's class and message,
 * the stack trace as text, and where the worker's log is.
 */
public record RemoteError(FailureKind kind, String className, String message, String stackTrace, String logLocation) {

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

  /** The same error with a log location. */
  public RemoteError withLog(String location) {
    return new RemoteError(kind, className, message, stackTrace, location);
  }
}
