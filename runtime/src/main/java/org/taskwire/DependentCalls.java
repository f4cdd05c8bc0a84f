package org.taskwire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.run.ArgumentEncoder;
import org.taskwire.internal.run.CallCollector;
import org.taskwire.internal.run.CallPlanner;
import org.taskwire.internal.run.KnownWorkflows;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.internal.run.WaitingCalls;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * A run's calls that take handles ({@link In}): those whose inputs are all values go the way of
 * any call at once; the others wait in {@link WaitingCalls} with the future their caller already
 * has, and are built, encoded and planned like any call once their inputs have succeeded.
 */
final class DependentCalls implements AutoCloseable {
  private final WorkflowRun run;
  private final KnownWorkflows workflows;
  private final CallPlanner planner;
  private final CallCollector collector;
  private final WaitingCalls waiting;

  DependentCalls(WorkflowRun run, KnownWorkflows workflows, CallPlanner planner, CallCollector collector,
      org.taskwire.internal.journal.RunJournal journal) {
    this.run = run;
    this.workflows = workflows;
    this.planner = planner;
    this.collector = collector;
    this.waiting = new WaitingCalls(run.runId(), journal, this::submitReady);
  }

  /** See {@link WorkflowRun#submitWhenReady}. */
  <A extends Record, R> AsyncResult<R> submitWhenReady(WorkDefinition<A, R> work, List<In<?>> inputs,
      Function<Object[], A> arguments) {
    Inputs.check(run.runId(), work, inputs);
    if (Inputs.allValues(inputs)) {
      return run.submit(work, arguments.apply(Inputs.values(inputs)));
    }
    return waitFor(work, new Object(), new TaskProgress(1), inputs, arguments);
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
      CallPlanner.Planned planned = run.prepare(work, readyArguments, progress);
      for (int i = 0; i < readyKeys.size(); i++) {
        ready.put(readyKeys.get(i), run.asyncResult(work, planned.calls().get(i)));
      }
      planned.send().run();
    }
    Object fanOut = new Object();
    Map<K, AsyncResult<R>> results = new LinkedHashMap<>();
    for (Map.Entry<K, List<In<?>>> e : calls.entrySet()) {
      AsyncResult<R> result = ready.get(e.getKey());
      results.put(e.getKey(), result != null ? result : waitFor(work, fanOut, progress, e.getValue(), arguments));
    }
    return new AsyncMapResult<>(run.runId(), work.name(), results, m -> {
      run.waitWithProgress(work, progress, m.allEnded());
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
      Inputs.check(run.runId(), work, in);
      if (calls.put(key, in) != null) {
        throw new IllegalArgumentException("the keys of the fan-out of " + work.name() + " hold " + key
            + " twice; results are keyed by it, so each key must be distinct");
      }
    }
    return calls;
  }

  /** What a waiting call needs to be submitted once its inputs' values are known. */
  private record Assembly<A extends Record>(WorkDefinition<A, ?> work, Function<Object[], A> arguments,
      AtomicLong callId) {}

  private <A extends Record, R> AsyncResult<R> waitFor(WorkDefinition<A, R> work, Object fanOut,
      TaskProgress progress, List<In<?>> inputs, Function<Object[], A> arguments) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    AtomicLong callId = new AtomicLong();
    @SuppressWarnings("unchecked")
    CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) future;
    AsyncResult<R> result = new AsyncResult<>(run.runId(), work.name(), callId::get, typed, () -> {
      long id = callId.get();
      if (id != 0) {
        collector.cancel(id);
      }
    });
    waiting.add(new WaitingCalls.Call(fanOut, work.name(), run.options(work).maxAttempts(),
        Inputs.waitingOn(work, inputs), future, progress, () -> result.cancel(false),
        new Assembly<>(work, arguments, callId)));
    return result;
  }

  /** Submits calls of one fan-out whose inputs have all succeeded; on the dispatcher thread. */
  private void submitReady(List<WaitingCalls.Call> calls) {
    Assembly<?> first = (Assembly<?>) calls.get(0).attachment();
    submitReady(first.work(), calls);
  }

  private <A extends Record> void submitReady(WorkDefinition<A, ?> work, List<WaitingCalls.Call> calls) {
    WorkflowDefinition owner = workflows.ownerOf(work);
    JobOptions options = run.options(work);
    PayloadCodec codec = Codecs.of(owner, options.codec());
    List<A> arguments = new ArrayList<>(calls.size());
    List<byte[]> encoded = new ArrayList<>(calls.size());
    List<WaitingCalls.Call> going = new ArrayList<>(calls.size());
    for (WaitingCalls.Call call : calls) {
      @SuppressWarnings("unchecked")
      Assembly<A> assembly = (Assembly<A>) call.attachment();
      String unfit = Inputs.unfit(work, call.values());
      try {
        if (unfit != null) {
          throw new IllegalArgumentException(unfit);
        }
        A a = assembly.arguments().apply(call.values());
        encoded.add(ArgumentEncoder.encode(codec, work, a));
        arguments.add(a);
        going.add(call);
      } catch (RuntimeException e) {
        // Nothing ran: the inputs' values do not make arguments of this work.
        WaitingCalls.failWithoutRunning(call, new WorkFailedException(work.name(), FailureKind.BAD_PAYLOAD,
            e.getClass().getName(), "its arguments, built from its inputs' values, cannot travel: " + e.getMessage(),
            "", 0, options.maxAttempts(), null));
      }
    }
    if (going.isEmpty()) {
      return;
    }
    CallPlanner.Planned planned = planner.plan(owner, work, options, codec, arguments, encoded, going,
        going.get(0).progress());
    for (int i = 0; i < going.size(); i++) {
      ((Assembly<?>) going.get(i).attachment()).callId().set(planned.calls().get(i).callId());
    }
    planned.send().run();
    for (PendingCall call : planned.calls()) {
      if (call.future().isCancelled()) {
        collector.cancel(call.callId());
      }
    }
  }

  /** How many calls wait for their inputs. */
  int waitingForInputs() {
    return waiting.size();
  }

  /** Fails the calls still waiting with {@code RUN_CLOSED}, after the batch being submitted. */
  @Override
  public void close() {
    waiting.close();
  }
}
