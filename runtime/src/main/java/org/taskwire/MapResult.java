package org.taskwire;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The results of a fan-out call, keyed by the argument record of each call, in the order of the
 * input list. It holds every success and every failure: nothing is dropped, and a key's place
 * never depends on when its result arrived.
 *
 * @param <K> the generated argument record
 * @param <V> the work method's result type
 */
public final class MapResult<K, V> extends AbstractMap<K, Outcome<V>> {
  private final Map<K, Outcome<V>> outcomes;

  /** Wraps outcomes already in input order; the map is copied. */
  public MapResult(Map<K, Outcome<V>> outcomes) {
    this.outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
  }

  @Override
  public Set<Entry<K, Outcome<V>>> entrySet() {
    return outcomes.entrySet();
  }

  @Override
  public Outcome<V> get(Object key) {
    return outcomes.get(key);
  }

  /**
   * The value for one call.
   *
   * @throws WorkFailedException if that call failed
   * @throws IllegalArgumentException if the key was not in the fan-out
   */
  public V value(K key) {
    Outcome<V> outcome = outcomes.get(key);
    if (outcome == null) {
      throw new IllegalArgumentException("no call with arguments " + key + " in this fan-out");
    }
    return outcome.value();
  }

  /** The calls that produced a value, in input order. */
  public Map<K, V> successes() {
    Map<K, V> result = new LinkedHashMap<>();
    outcomes.forEach((k, o) -> { if (o.succeeded()) result.put(k, o.value()); });
    return Collections.unmodifiableMap(result);
  }

  /** The calls that failed, in input order. */
  public Map<K, WorkFailedException> failures() {
    Map<K, WorkFailedException> result = new LinkedHashMap<>();
    outcomes.forEach((k, o) -> o.failure().ifPresent(e -> result.put(k, e)));
    return Collections.unmodifiableMap(result);
  }

  /** Whether every call produced a value. */
  public boolean allSucceeded() {
    return outcomes.values().stream().allMatch(Outcome::succeeded);
  }

  /**
   * Returns this map if every call succeeded.
   *
   * @throws WorkFailedException the first failure, with the others attached as suppressed
   */
  public MapResult<K, V> orThrow() {
    WorkFailedException first = null;
    for (WorkFailedException e : failures().values()) {
      if (first == null) {
        first = e;
      } else {
        first.addSuppressed(e);
      }
    }
    if (first != null) {
      throw first;
    }
    return this;
  }
}
