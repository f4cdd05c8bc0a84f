package org.taskwire.optimize;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limited-memory BFGS (Nocedal, Math. Comp. 1980) in a box, for the Gaussian process's
 * hyper-parameters: the two-loop direction, with coordinates held at a bound they push against,
 * and a backtracking Armijo step on the projected point. Commons Math has no quasi-Newton method,
 * and its conjugate gradients take a whole line search of function values per step, each a
 * Cholesky factorisation here; this takes one value and gradient per trial step.
 */
final class Lbfgs {
  private static final int MEMORY = 6;
  private static final int MAX_ITERATIONS = 100;
  private static final int MAX_BACKTRACKS = 30;

  /** A function's value at a point, its gradient written into {@code gradient}. */
  @FunctionalInterface
  interface Function {
    double value(double[] point, double[] gradient);
  }

  record Result(double[] point, double value) {}

  private Lbfgs() {}

  /** A local minimum of {@code f} in the box, from {@code start}. */
  static Result minimise(Function f, double[] start, double[] lower, double[] upper) {
    int n = start.length;
    double[] x = clamp(start.clone(), lower, upper);
    double[] g = new double[n];
    double fx = f.value(x, g);
    if (!Double.isFinite(fx)) {
      return new Result(x, Double.POSITIVE_INFINITY);
    }
    Deque<double[]> steps = new ArrayDeque<>();
    Deque<double[]> changes = new ArrayDeque<>();
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double[] direction = direction(g, steps, changes);
      holdBounds(direction, x, lower, upper);
      if (dot(g, direction) >= 0) {
        // Not a descent direction (the memory misleads at a bound): start again from the gradient.
        steps.clear();
        changes.clear();
        for (int i = 0; i < n; i++) {
          direction[i] = -g[i];
        }
        holdBounds(direction, x, lower, upper);
        if (dot(g, direction) >= -1e-14) {
          break;
        }
      }
      double step = steps.isEmpty() ? Math.min(1, 1 / maxAbs(direction)) : 1;
      double[] next = null;
      double[] nextGradient = new double[n];
      double nextValue = Double.NaN;
      for (int b = 0; b < MAX_BACKTRACKS; b++, step *= 0.5) {
        double[] candidate = new double[n];
        for (int i = 0; i < n; i++) {
          candidate[i] = x[i] + step * direction[i];
        }
        clamp(candidate, lower, upper);
        double decrease = 0;
        for (int i = 0; i < n; i++) {
          decrease += g[i] * (candidate[i] - x[i]);
        }
        double v = f.value(candidate, nextGradient);
        if (Double.isFinite(v) && v <= fx + 1e-4 * decrease) {
          next = candidate;
          nextValue = v;
          break;
        }
      }
      if (next == null) {
        break;
      }
      double[] s = new double[n];
      double[] y = new double[n];
      double sy = 0;
      for (int i = 0; i < n; i++) {
        s[i] = next[i] - x[i];
        y[i] = nextGradient[i] - g[i];
        sy += s[i] * y[i];
      }
      if (sy > 1e-12) {
        steps.addFirst(s);
        changes.addFirst(y);
        if (steps.size() > MEMORY) {
          steps.removeLast();
          changes.removeLast();
        }
      }
      boolean settled = Math.abs(fx - nextValue) <= 1e-9 * (1 + Math.abs(fx));
      x = next;
      g = nextGradient;
      fx = nextValue;
      if (settled) {
        break;
      }
    }
    return new Result(x, fx);
  }

  /** −H g by the two-loop recursion over the remembered steps (newest first). */
  private static double[] direction(double[] g, Deque<double[]> steps, Deque<double[]> changes) {
    int n = g.length;
    double[] q = g.clone();
    int m = steps.size();
    double[] a = new double[m];
    double[] rho = new double[m];
    Iterator<double[]> si = steps.iterator();
    Iterator<double[]> yi = changes.iterator();
    for (int k = 0; k < m; k++) {
      double[] s = si.next();
      double[] y = yi.next();
      rho[k] = 1 / dot(y, s);
      a[k] = rho[k] * dot(s, q);
      for (int i = 0; i < n; i++) {
        q[i] -= a[k] * y[i];
      }
    }
    if (m > 0) {
      double gamma = dot(steps.getFirst(), changes.getFirst()) / dot(changes.getFirst(), changes.getFirst());
      for (int i = 0; i < n; i++) {
        q[i] *= gamma;
      }
    }
    Iterator<double[]> sd = steps.descendingIterator();
    Iterator<double[]> yd = changes.descendingIterator();
    for (int k = m - 1; k >= 0; k--) {
      double[] s = sd.next();
      double[] y = yd.next();
      double beta = rho[k] * dot(y, q);
      for (int i = 0; i < n; i++) {
        q[i] += s[i] * (a[k] - beta);
      }
    }
    for (int i = 0; i < n; i++) {
      q[i] = -q[i];
    }
    return q;
  }

  /** Zeroes the direction where it pushes against a bound the point is at. */
  private static void holdBounds(double[] direction, double[] x, double[] lower, double[] upper) {
    for (int i = 0; i < x.length; i++) {
      if ((x[i] <= lower[i] && direction[i] < 0) || (x[i] >= upper[i] && direction[i] > 0)) {
        direction[i] = 0;
      }
    }
  }

  private static double[] clamp(double[] x, double[] lower, double[] upper) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    }
    return x;
  }

  private static double maxAbs(double[] v) {
    double m = 1e-300;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }

  /** The dot product; the Gaussian process's linear algebra uses it too. */
  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
