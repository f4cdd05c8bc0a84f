package org.taskwire;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A whole keyed fan-out as one input: {@link AsyncMapResult#values()} (a {@code Map<K, V>} of the
 * successes) or {@link AsyncMapResult#outcomes()} (the {@link MapResult}). Ready when every call of
 * the fan-out has ended; it fails when fewer than {@code minFraction} of them succeeded, and is
 * cancelled when one of them was.
 */
final class AggregateInput<K, V, T> implements In<T> {
  private final AsyncMapResult<K, V> source;
  private final boolean outcomes;
  private final double minFraction;
  private final CompletableFuture<Object> value;

  AggregateInput(AsyncMapResult<K, V> source, boolean outcomes, double minFraction) {
    if (!(minFraction >= 0.0 && minFraction <= 1.0)) {
      throw new IllegalArgumentException("the minimum fraction of successes must be within [0, 1], not " + minFraction);
    }
    this.source = source;
    this.outcomes = outcomes;
    this.minFraction = minFraction;
    this.value = source.allEnded().thenApply(ignored -> aggregate());
  }

  AsyncMapResult<K, V> source() {
    return source;
  }

  /** Completes with the map, or fails as described in the class comment. */
  CompletableFuture<Object> value() {
    return value;
  }

  private Object aggregate() {
    Map<K, Outcome<V>> all = new LinkedHashMap<>();
    Map<K, V> successes = new LinkedHashMap<>();
    WorkFailedException firstFailure = null;
    K firstFailed = null;
    for (K key : source.keys()) {
      Outcome<V> outcome = source.outcomeOf(key);
      if (outcome instanceof Outcome.Failure<V> f && f.exception().kind() == FailureKind.CANCELLED) {
        throw new CompletionException(new CancellationException("call " + key + " of " + source.workName()
            + " was cancelled"));
      }
      all.put(key, outcome);
      if (outcome.succeeded()) {
        successes.put(key, outcome.value());
      } else if (firstFailure == null) {
        firstFailure = outcome.failure().orElseThrow();
        firstFailed = key;
      }
    }
    int total = all.size();
    if (total > 0 && successes.size() < Math.ceil(minFraction * total - 1e-9)) {
      String need = minFraction >= 1.0 ? "all had to" : "at least " + percent(minFraction) + " had to";
      throw new CompletionException(new AggregateShortfall(
          (total - successes.size()) + " of " + total + " calls of " + source.workName() + " failed (" + need
              + " succeed); the first, for key " + firstFailed + ": " + firstLine(firstFailure.getMessage()),
          firstFailure));
    }
    return outcomes ? new MapResult<>(all) : java.util.Collections.unmodifiableMap(successes);
  }

  private static String percent(double fraction) {
    double p = fraction * 100;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  @Override
  public String toString() {
    return source.workName() + (outcomes ? ".outcomes(" : ".values(") + minFraction + ")";
  }

  /** Too few of the fan-out's calls succeeded; the first failure is the cause. */
  static final class AggregateShortfall extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AggregateShortfall(String message, WorkFailedException first) {
      super(message, first);
    }
  }
}
