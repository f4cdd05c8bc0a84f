package org.taskwire;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds the keys of a keyed fan-out from lists of values: the grid points of a study, as the
 * caller's own record. The AID2E tutorial's global parameters {@code particles = [pi+, kaon+]},
 * {@code eta_points = [0.1, 0.2]} become
 * {@code Grid.product(Point::new, List.of("pi+", "kaon+"), List.of(0.1, 0.2))}.
 *
 * <p>Order is stated, not sorted: {@code product} is nested loops in argument order (the first list
 * varies slowest), {@code zip} pairs the lists position by position. Points must be distinct,
 * since a fan-out's results are keyed by them.
 */
public final class Grid {
  private Grid() {}

  /** A function of three values, for {@link #product(Function3, List, List, List)}. */
  @FunctionalInterface
  public interface Function3<A, B, C, K> {
    K apply(A a, B b, C c);
  }

  /**
   * Every combination of one value of each list, as nested loops: {@code (a0,b0), (a0,b1), ...,
   * (a1,b0), ...}.
   *
   * @throws IllegalArgumentException if a list is empty or two points are equal
   */
  public static <A, B, K> List<K> product(BiFunction<? super A, ? super B, ? extends K> point,
      List<? extends A> first, List<? extends B> second) {
    Objects.requireNonNull(point, "point");
    nonEmpty(first, "first");
    nonEmpty(second, "second");
    List<K> points = new ArrayList<>(first.size() * second.size());
    for (A a : first) {
      for (B b : second) {
        points.add(point.apply(a, b));
      }
    }
    return distinct(points);
  }

  /**
   * Every combination of one value of each list, as nested loops in argument order.
   *
   * @throws IllegalArgumentException if a list is empty or two points are equal
   */
  public static <A, B, C, K> List<K> product(Function3<? super A, ? super B, ? super C, ? extends K> point,
      List<? extends A> first, List<? extends B> second, List<? extends C> third) {
    Objects.requireNonNull(point, "point");
    nonEmpty(first, "first");
    nonEmpty(second, "second");
    nonEmpty(third, "third");
    List<K> points = new ArrayList<>(first.size() * second.size() * third.size());
    for (A a : first) {
      for (B b : second) {
        for (C c : third) {
          points.add(point.apply(a, b, c));
        }
      }
    }
    return distinct(points);
  }

  /**
   * The lists position by position: {@code (a0,b0), (a1,b1), ...}.
   *
   * @throws IllegalArgumentException if the lists differ in length or two points are equal
   */
  public static <A, B, K> List<K> zip(BiFunction<? super A, ? super B, ? extends K> point,
      List<? extends A> first, List<? extends B> second) {
    Objects.requireNonNull(point, "point");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first.size() != second.size()) {
      throw new IllegalArgumentException("zip needs lists of one length, not " + first.size() + " and " + second.size());
    }
    List<K> points = new ArrayList<>(first.size());
    for (int i = 0; i < first.size(); i++) {
      points.add(point.apply(first.get(i), second.get(i)));
    }
    return distinct(points);
  }

  private static void nonEmpty(List<?> values, String which) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("the " + which + " list of a grid product is " + (values == null ? "null" : "empty"));
    }
  }

  private static <K> List<K> distinct(List<K> points) {
    Set<K> seen = new LinkedHashSet<>();
    for (K p : points) {
      if (p == null) {
        throw new IllegalArgumentException("the point function returned null");
      }
      if (!seen.add(p)) {
        throw new IllegalArgumentException("the grid has the point " + p + " twice; a fan-out's results are keyed by "
            + "point, so points must be distinct (are two values of a list equal?)");
      }
    }
    return List.copyOf(points);
  }
}
