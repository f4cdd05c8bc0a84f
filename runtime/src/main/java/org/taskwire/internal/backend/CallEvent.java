package org.taskwire.internal.backend;

import java.util.Objects;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;

/**
 * What a backend reports about one attempt of a call. Every backend speaks only these events; what follows from them (a retry, a value, a failure) is decided by the collector alone.
 * A backend may report an attempt later than the one it was last asked for: PanDA starts a failed
 * job's next attempt before the collector has heard of the failure.
 */
public sealed interface CallEvent {
  /** The call, the same for every attempt. */
  long callId();

  /** The attempt, from 1. */
  int attempt();

  /**
   * A backend took the attempt, and says how to find it again after a restart: for a batch system
   * {@code system} and {@code task}; for local workers {@code worker} and {@code pid}.
   */
  record Submitted(long callId, int attempt, java.util.Map<String, String> handle) implements CallEvent {
    public Submitted {
      handle = java.util.Map.copyOf(handle);
    }
  }

  /**
   * The attempt started running.
   *
   * @param where what runs it, for people: a worker and its log, a grid job and its task
   */
  record Started(long callId, int attempt, String where) implements CallEvent {
    public Started {
      Objects.requireNonNull(where, "where");
    }
  }

  /** The attempt returned; the result holds the encoded value. */
  record Succeeded(ResultEnvelope result) implements CallEvent {
    public Succeeded {
      if (!result.succeeded()) {
        throw new IllegalArgumentException("a failed result is a Failed event");
      }
    }

    @Override
    public long callId() {
      return result.callId();
    }

    @Override
    public int attempt() {
      return result.attempt();
    }
  }

  /**
   * The attempt ended without a value: its worker reported a failure, or the backend saw it die,
   * run out of time or memory, be killed, or lose its result. What that means for the call is the
   * run's failure table's to say.
   */
  record Failed(long callId, int attempt, Failure failure) implements CallEvent {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }

    /** A failure the backend saw, explained by {@code message}. */
    public Failed(long callId, int attempt, Cause cause, String message) {
      this(callId, attempt, Failure.of(cause, message));
    }
  }

  /** The event a worker's result is: a success, or the failure it reports. */
  static CallEvent of(ResultEnvelope result) {
    return result.succeeded()
        ? new Succeeded(result)
        : new Failed(result.callId(), result.attempt(), Failure.reported(result.error()));
  }
}
