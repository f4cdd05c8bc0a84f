package org.taskwire;

/**
 * An input that will have a value: what a generated handle overload ({@code mAsync(In<A> a, ...)},
 * or an {@code MIn} record in a keyed fan-out) takes where the work method takes a value. The run
 * submits such a call the moment all its inputs have succeeded, with no user code in between; if an
 * input fails the call fails without running ({@link FailureKind#DEPENDENCY_FAILED}), and if an
 * input is cancelled so is the call.
 *
 * <p>The kinds of input:
 * <ul>
 *   <li>an {@link AsyncResult}: one call's result;
 *   <li>{@link AsyncMapResult#at(Object)}: one key of a keyed fan-out (one-to-one steps);
 *   <li>{@link AsyncMapResult#values()} and {@link AsyncMapResult#outcomes()}: a whole fan-out as a
 *       typed map (all-to-one steps), optionally with a minimum fraction of successes;
 *   <li>{@link #of(Object)}: a value known now.
 * </ul>
 *
 * <p>An input belongs to the run that made it; passing it to a call of another run fails at the
 * call site. A handle never travels itself: only values do.
 *
 * @param <T> the type of the value
 */
public sealed interface In<T> permits AsyncResult, ValueInput, AggregateInput {

  /** A value known now, for the parameters of a handle overload that need no waiting. */
  static <T> In<T> of(T value) {
    return new ValueInput<>(value);
  }
}
