package org.taskwire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.taskwire.internal.run.CallPlanner;
import org.taskwire.internal.run.RunEngine;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.spi.WorkDefinition;

/**
 * The public side of calls that take handles ({@link In}): checks their inputs and hands out
 * their {@link AsyncResult}s at once. Those whose inputs are all values are planned like any call;
 * the others wait in the engine ({@link RunEngine#submitWhenReady}) with the future their caller
 * already has.
 */
final class DependentCalls {
  private final RunEngine engine;

  DependentCalls(RunEngine engine) {
    this.engine = engine;
  }

  /** See {@link WorkflowRun#submitWhenReady}; the inputs are not all values. */
  <A extends Record, R> AsyncResult<R> submitWhenReady(WorkDefinition<A, R> work, List<In<?>> inputs,
      Function<Object[], A> arguments) {
    return waitFor(work, new Object(), TaskProgress.singleCall(), inputs, arguments);
  }

  /** See {@link WorkflowRun#submitKeyed}. */
  <K, A extends Record, R> AsyncMapResult<K, R> submitKeyed(WorkDefinition<A, R> work, Collection<K> keys,
      Function<? super K, List<In<?>>> inputs, Function<Object[], A> arguments) {
    Map<K, List<In<?>>> calls = callsByKey(work, keys, inputs);
    TaskProgress progress = new TaskProgress(calls.size());
    List<K> readyKeys = new ArrayList<>();
    List<A> readyArguments = new ArrayList<>();
    for (Map.Entry<K, List<In<?>>> e : calls.entrySet()) {
      if (Inputs.allValues(e.getValue())) {
        readyKeys.add(e.getKey());
        readyArguments.add(arguments.apply(Inputs.values(e.getValue())));
      }
    }
    Map<K, AsyncResult<R>> ready = new HashMap<>();
    if (!readyArguments.isEmpty()) {
      CallPlanner.Planned planned = engine.plan(work, readyArguments, progress);
      for (int i = 0; i < readyKeys.size(); i++) {
        ready.put(readyKeys.get(i), AsyncResult.of(engine, work, planned.calls().get(i)));
      }
      planned.send().run();
    }
    Object fanOut = new Object();
    Map<K, AsyncResult<R>> results = new LinkedHashMap<>();
    for (Map.Entry<K, List<In<?>>> e : calls.entrySet()) {
      AsyncResult<R> result = ready.get(e.getKey());
      results.put(e.getKey(), result != null ? result : waitFor(work, fanOut, progress, e.getValue(), arguments));
    }
    return new AsyncMapResult<>(engine.runId(), work.name(), results, m -> {
      engine.awaitWithProgress(work.name(), progress, m.allEnded());
      return m.outcomesNow();
    });
  }

  /** Each key's inputs, checked, in key order. */
  private <K> Map<K, List<In<?>>> callsByKey(WorkDefinition<?, ?> work, Collection<K> keys,
      Function<? super K, List<In<?>>> inputs) {
    if (keys == null) {
      throw new IllegalArgumentException("the keys of the fan-out of " + work.name() + " are null");
    }
    Map<K, List<In<?>>> calls = new LinkedHashMap<>();
    for (K key : keys) {
      if (key == null) {
        throw new IllegalArgumentException("the keys of the fan-out of " + work.name() + " hold a null");
      }
      List<In<?>> in = inputs.apply(key);
      if (in == null) {
        throw new IllegalArgumentException("the call built for key " + key + " of " + work.name() + " is null");
      }
      Inputs.check(engine.runId(), work, in);
      if (calls.put(key, in) != null) {
        throw new IllegalArgumentException("the keys of the fan-out of " + work.name() + " hold " + key
            + " twice; results are keyed by it, so each key must be distinct");
      }
    }
    return calls;
  }

  private <A extends Record, R> AsyncResult<R> waitFor(WorkDefinition<A, R> work, Object fanOut,
      TaskProgress progress, List<In<?>> inputs, Function<Object[], A> arguments) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) future;
    AsyncResult<R> result = new AsyncResult<>(engine, work.name(), 0, typed);
    engine.submitWhenReady(work, fanOut, progress, Inputs.waitingOn(work, inputs), arguments, future,
        () -> result.cancel(false), result::submitted);
    return result;
  }
}
