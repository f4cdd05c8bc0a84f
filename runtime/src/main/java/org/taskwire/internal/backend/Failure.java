package org.taskwire.internal.backend;

import java.util.Objects;
import org.taskwire.internal.call.RemoteError;

/**
 * Why an attempt ended without a value: what the backend saw, and the error for people. The
 * error's kind is the worker's own for {@link Cause.Seen#REPORTED}; for every other cause it is
 * unset, and the run's failure table sets it.
 */
public record Failure(Cause cause, RemoteError error) {
  public Failure {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(error, "error");
    if (cause == Cause.Seen.REPORTED && error.kind() == null) {
      throw new IllegalArgumentException("a reported failure carries the kind the worker gave it");
    }
  }

  /** A failure the worker reported itself. */
  public static Failure reported(RemoteError error) {
    return new Failure(Cause.Seen.REPORTED, error);
  }

  /** A failure the backend saw, explained by {@code message}. */
  public static Failure of(Cause cause, String message) {
    return new Failure(cause, RemoteError.unclassified(message));
  }

  /** The same failure with the worker's or job's log. */
  public Failure withLog(String location) {
    return new Failure(cause, error.withLog(location));
  }
}
