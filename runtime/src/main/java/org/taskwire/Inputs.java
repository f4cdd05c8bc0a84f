package org.taskwire;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.taskwire.internal.run.Parameters;
import org.taskwire.internal.run.Parameters.Parameter;
import org.taskwire.internal.run.WaitingCalls;
import org.taskwire.spi.WorkDefinition;

/** Turns the {@link In}s of one call into what {@link WaitingCalls} waits on, checking each. */
final class Inputs {
  private Inputs() {}

  /** Whether every input is a value known now, so the call can be submitted at once. */
  static boolean allValues(List<In<?>> inputs) {
    for (In<?> in : inputs) {
      if (!(in instanceof ValueInput)) {
        return false;
      }
    }
    return true;
  }

  /** The values of inputs that are all {@link ValueInput}s, in parameter order. */
  static Object[] values(List<In<?>> inputs) {
    Object[] values = new Object[inputs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((ValueInput<?>) inputs.get(i)).value();
    }
    return values;
  }

  /**
   * Checks one call's inputs: one per parameter, none null, none of another run.
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong
   */
  static void check(String runId, WorkDefinition<?, ?> work, List<In<?>> inputs) {
    Parameter[] parameters = Parameters.of(work);
    if (inputs.size() != parameters.length) {
      throw new IllegalArgumentException(work.name() + " takes " + parameters.length + " inputs, not " + inputs.size());
    }
    for (int i = 0; i < parameters.length; i++) {
      In<?> in = inputs.get(i);
      String parameter = parameters[i].name();
      if (in == null) {
        throw new IllegalArgumentException("the input for parameter " + parameter + " of " + work.name()
            + " is null; pass In.of(null) for a null value");
      }
      if (in instanceof ValueInput<?> v && v.value() == null && parameters[i].primitive()) {
        throw new IllegalArgumentException("the input for parameter " + parameter + " of " + work.name()
            + " is In.of(null), but the parameter is primitive");
      }
      String of = runOf(in);
      if (of != null && !of.equals(runId)) {
        throw new IllegalArgumentException("the input for parameter " + parameter + " of " + work.name() + " ("
            + in + ") belongs to run " + of + ", not to this run " + runId + "; a handle is only valid in the run "
            + "that made it: pass its value (await() it first), or make both calls in one run");
      }
    }
  }

  private static String runOf(In<?> in) {
    if (in instanceof AsyncResult<?> r) {
      return r.runId();
    }
    if (in instanceof AggregateInput<?, ?, ?> a) {
      return a.source().runId();
    }
    return null;
  }

  /** What the call waits on, one {@link WaitingCalls.Input} per parameter. */
  static List<WaitingCalls.Input> waitingOn(WorkDefinition<?, ?> work, List<In<?>> inputs) {
    Parameter[] parameters = Parameters.of(work);
    List<WaitingCalls.Input> waits = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      waits.add(waitOn(parameters[i].name(), inputs.get(i)));
    }
    return waits;
  }

  private static WaitingCalls.Input waitOn(String parameter, In<?> in) {
    if (in instanceof ValueInput<?> v) {
      return new WaitingCalls.Input(() -> parameter, CompletableFuture.completedFuture(v.value()), List::of);
    }
    if (in instanceof AsyncResult<?> r) {
      return new WaitingCalls.Input(() -> parameter + " (" + r.workName() + " call " + r.callId() + ")", r.future(),
          () -> List.of(r.callId()));
    }
    AggregateInput<?, ?, ?> a = (AggregateInput<?, ?, ?>) in;
    return new WaitingCalls.Input(() -> parameter + " (" + a + ", " + a.source().size() + " calls)", a.value(),
        () -> a.source().keys().stream().map(k -> callIdOf(a.source(), k)).toList());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long callIdOf(AsyncMapResult source, Object key) {
    return source.at(key).callId();
  }
}
