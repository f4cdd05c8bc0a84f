package org.taskwire.spi;

/**
 * Calls one work method with its argument record. Generated as a plain method reference or
 * lambda, so no reflection is involved.
 *
 * @param <A> the argument record
 * @param <R> the result type ({@link Void} for {@code void} methods)
 */
@FunctionalInterface
public interface Invoker<A extends Record, R> {
  R invoke(A arguments) throws Throwable;
}
