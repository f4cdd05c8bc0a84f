package org.taskwire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A keyed fan-out in flight: one call per key, keyed by the caller's own record (a grid point), in
 * the order the keys were given. Returned at once by the generated {@code mMapAsync(keys, call)}.
 *
 * <ul>
 *   <li>{@link #at(Object)}: one key's {@link AsyncResult}, which is also an {@link In} for the
 *       next step (one-to-one: child {@code k} starts as soon as parent {@code k} is done);
 *   <li>{@link #values()} / {@link #outcomes()}: the whole fan-out as one input (all-to-one);
 *   <li>{@link #asCompleted()}: each key's outcome as it arrives;
 *   <li>{@link #await()}: every outcome, blocking, with progress.
 * </ul>
 *
 * @param <K> the key: the caller's record, e.g. {@code record Point(String particle, double eta)}
 * @param <R> the work method's result type
 */
public final class AsyncMapResult<K, R> {
  private final String runId;
  private final String workName;
  private final Map<K, AsyncResult<R>> results;
  private final Function<AsyncMapResult<K, R>, MapResult<K, R>> awaiter;
  /** The outcomes in arrival order; guarded by itself, notified on each arrival. */
  private final List<Map.Entry<K, Outcome<R>>> arrivals = new ArrayList<>();
  private final CompletableFuture<Void> allEnded;

  /** Created by {@link WorkflowRun}; users get instances from generated proxies. */
  AsyncMapResult(String runId, String workName, Map<K, AsyncResult<R>> results,
      Function<AsyncMapResult<K, R>, MapResult<K, R>> awaiter) {
    this.runId = runId;
    this.workName = workName;
    this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    this.awaiter = awaiter;
    CompletableFuture<?>[] ends = new CompletableFuture<?>[results.size()];
    int i = 0;
    for (Map.Entry<K, AsyncResult<R>> e : this.results.entrySet()) {
      K key = e.getKey();
      AsyncResult<R> result = e.getValue();
      ends[i++] = result.future().handle((v, t) -> {
        synchronized (arrivals) {
          arrivals.add(Map.entry(key, result.outcome()));
          arrivals.notifyAll();
        }
        return null;
      });
    }
    this.allEnded = CompletableFuture.allOf(ends);
  }

  /** The work method's name. */
  public String workName() {
    return workName;
  }

  /** The keys, in the order given. */
  public Set<K> keys() {
    return results.keySet();
  }

  /** The number of calls. */
  public int size() {
    return results.size();
  }

  /**
   * One key's call, to wait for or to pass on as the input of a call of the next step.
   *
   * @throws IllegalArgumentException if the key is not one of this fan-out's
   */
  public AsyncResult<R> at(K key) {
    AsyncResult<R> result = results.get(key);
    if (result == null) {
      throw new IllegalArgumentException("no call of " + workName + " has key " + key + "; its " + results.size()
          + " keys are e.g. " + results.keySet().stream().limit(3).toList());
    }
    return result;
  }

  /**
   * The fan-out split into groups of keys, each a fan-out of its own: the datasets of a step whose
   * keys hold more than the next step's (a grid point and an event range, say). Pass a group's
   * {@link #values()} to the call of the next step that reads that dataset, one-to-one, and it
   * runs as soon as that group's calls have ended, while the other groups' still run. Groups come
   * in the order of their first key.
   *
   * @param group the group of a key, e.g. {@code Job::point}
   */
  public <G> Map<G, AsyncMapResult<K, R>> groupBy(Function<? super K, ? extends G> group) {
    Map<G, Map<K, AsyncResult<R>>> members = new LinkedHashMap<>();
    for (Map.Entry<K, AsyncResult<R>> e : results.entrySet()) {
      members.computeIfAbsent(group.apply(e.getKey()), g -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
    }
    Map<G, AsyncMapResult<K, R>> groups = new LinkedHashMap<>();
    members.forEach((g, calls) -> groups.put(g, new AsyncMapResult<>(runId, workName, calls, awaiter)));
    return Collections.unmodifiableMap(groups);
  }

  /**
   * The whole fan-out as the input of an all-to-one step that takes a {@code Map<K, R>}: every
   * call's value in key order, once all have ended. If one failed, the step fails with
   * {@link FailureKind#DEPENDENCY_FAILED} without running.
   */
  public In<Map<K, R>> values() {
    return values(1.0);
  }

  /**
   * As {@link #values()}, but the step runs with the successes alone when at least
   * {@code minFraction} of the calls succeeded (iDDS's {@code wait_percent}, PanDA's partial
   * inputs); it still waits for every call to end.
   *
   * @throws IllegalArgumentException if {@code minFraction} is not within [0, 1]
   */
  public In<Map<K, R>> values(double minFraction) {
    return new AggregateInput<>(this, false, minFraction);
  }

  /**
   * The whole fan-out as the input of an all-to-one step that takes a {@link MapResult}: every
   * outcome, success or failure, once all have ended. It never fails the step, unless a call was
   * cancelled (then the step is cancelled).
   */
  public In<MapResult<K, R>> outcomes() {
    return outcomes(0.0);
  }

  /**
   * As {@link #outcomes()}, but the step fails with {@link FailureKind#DEPENDENCY_FAILED} when
   * fewer than {@code minFraction} of the calls succeeded.
   *
   * @throws IllegalArgumentException if {@code minFraction} is not within [0, 1]
   */
  public In<MapResult<K, R>> outcomes(double minFraction) {
    return new AggregateInput<>(this, true, minFraction);
  }

  /**
   * Each key's outcome in the order they arrive, blocking for the next; the iteration ends when
   * every call has ended. A cancelled call arrives as a {@link FailureKind#CANCELLED} failure.
   * Each call of this method iterates the arrivals from the first.
   */
  public Iterable<Map.Entry<K, Outcome<R>>> asCompleted() {
    return () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < results.size();
      }

      @Override
      public Map.Entry<K, Outcome<R>> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return arrival(next++);
      }
    };
  }

  private Map.Entry<K, Outcome<R>> arrival(int n) {
    synchronized (arrivals) {
      while (n >= arrivals.size()) {
        try {
          arrivals.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TaskwireException("interrupted while waiting for " + workName, e);
        }
      }
      return arrivals.get(n);
    }
  }

  /**
   * Waits for every call, showing progress, and returns their outcomes in key order. A cancelled
   * call's outcome is a {@link FailureKind#CANCELLED} failure.
   */
  public MapResult<K, R> await() {
    return awaiter.apply(this);
  }

  /** Whether every call has ended: true once {@link #asCompleted()} has given every outcome. */
  public boolean isDone() {
    // Counted from the arrivals, not allEnded, which completes only after the last arrival's callback
    // returns: an iteration of asCompleted() could end a moment before it.
    synchronized (arrivals) {
      return arrivals.size() == results.size();
    }
  }

  /** Cancels every call that has not ended, and what waits on them; returns how many it cancelled. */
  public int cancel() {
    int cancelled = 0;
    for (AsyncResult<R> result : results.values()) {
      if (result.cancel(false)) {
        cancelled++;
      }
    }
    return cancelled;
  }

  String runId() {
    return runId;
  }

  CompletableFuture<Void> allEnded() {
    return allEnded;
  }

  /** An ended key's outcome. */
  Outcome<R> outcomeOf(K key) {
    return results.get(key).outcome();
  }

  /** The outcomes, in key order, once every call ended. */
  MapResult<K, R> outcomesNow() {
    Map<K, Outcome<R>> all = new LinkedHashMap<>();
    for (Map.Entry<K, AsyncResult<R>> e : results.entrySet()) {
      all.put(e.getKey(), e.getValue().outcome());
    }
    return new MapResult<>(all);
  }

  @Override
  public String toString() {
    long ended = results.values().stream().filter(AsyncResult::isDone).count();
    return "AsyncMapResult[" + workName + ", " + ended + " of " + results.size() + " ended]";
  }
}
