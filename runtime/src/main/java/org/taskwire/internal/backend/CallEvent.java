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

  /** The attempt ran and failed: the work threw, or its call or result could not travel. */
  record Failed(long callId, int attempt, RemoteError error) implements CallEvent {
    public Failed {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The attempt was lost with no outcome of its own: its worker or job died, or its result never
   * arrived. The work may or may not have run; the error says what was lost.
   */
  record Lost(long callId, int attempt, RemoteError error) implements CallEvent {
    public Lost {
      Objects.requireNonNull(error, "error");
    }
  }

  /** The event a worker's result is: a success, or the failure it reports. */
  static CallEvent of(ResultEnvelope result) {
    return result.succeeded()
        ? new Succeeded(result)
        : new Failed(result.callId(), result.attempt(), result.error());
  }
}
