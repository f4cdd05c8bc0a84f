package org.taskwire;

import java.util.Optional;

/**
 * The outcome of one call in a fan-out: a value or the failure that stopped it.
 *
 * @param <V> the work method's result type
 */
public sealed interface Outcome<V> permits Outcome.Success, Outcome.Failure {

  /** Whether the call produced a value. */
  boolean succeeded();

  /**
   * The value.
   *
   * @throws WorkFailedException if the call failed
   */
  V value();

  /** The failure, if the call failed. */
  Optional<WorkFailedException> failure();

  /** A call that produced a value ({@code null} for {@code void} methods). */
  record Success<V>(V value) implements Outcome<V> {
    @Override public boolean succeeded() { return true; }
    @Override public Optional<WorkFailedException> failure() { return Optional.empty(); }
  }

  /** A call that failed for good. */
  record Failure<V>(WorkFailedException exception) implements Outcome<V> {
    @Override public boolean succeeded() { return false; }
    @Override public V value() { throw exception; }
    @Override public Optional<WorkFailedException> failure() { return Optional.of(exception); }
  }
}
