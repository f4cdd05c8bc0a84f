package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters a study varies, and the linear constraints their values must satisfy. Built with
 * {@link #builder()}; every bad input fails at build time, naming the parameter.
 */
public final class SearchSpace {
  private final List<Parameter> parameters;
  private final List<LinearConstraint> constraints;
  /** The parameters an optimiser varies: all but the fixed ones, in order. */
  private final List<Parameter> varied;

  /** Each constraint over the unit cube: the coordinates it names and their coefficients, in step. */
  private final int[][] constraintDims;
  private final double[][] constraintCoefficients;

  private SearchSpace(List<Parameter> parameters, List<LinearConstraint> constraints) {
    this.parameters = List.copyOf(parameters);
    this.constraints = List.copyOf(constraints);
    this.varied = parameters.stream().filter(p -> !(p instanceof Parameter.Fixed)).toList();
    this.constraintDims = new int[constraints.size()][];
    this.constraintCoefficients = new double[constraints.size()][];
    for (int c = 0; c < constraints.size(); c++) {
      // In name order, as LinearConstraint keeps them and holdsFor sums them.
      List<Map.Entry<String, Double>> terms = new ArrayList<>(constraints.get(c).coefficients().entrySet());
      constraintDims[c] = new int[terms.size()];
      constraintCoefficients[c] = new double[terms.size()];
      for (int t = 0; t < terms.size(); t++) {
        String name = terms.get(t).getKey();
        constraintDims[c][t] = java.util.stream.IntStream.range(0, varied.size())
            .filter(i -> varied.get(i).name().equals(name)).findFirst().orElseThrow();
        constraintCoefficients[c][t] = terms.get(t).getValue();
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  public List<LinearConstraint> constraints() {
    return constraints;
  }

  /** How many parameters vary: the dimension of the unit cube optimisers search. */
  public int dimensions() {
    return varied.size();
  }

  /**
   * The parameters at a point of the unit cube, one coordinate per varied parameter in order: a
   * range maps linearly (or in its logarithm), an integer range and a choice in equal slices.
   */
  public Map<String, Object> at(double[] unit) {
    if (unit.length != varied.size()) {
      throw new IllegalArgumentException("a point of this space has " + varied.size() + " coordinates, got " + unit.length);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    int i = 0;
    for (Parameter p : parameters) {
      if (p instanceof Parameter.Fixed f) {
        values.put(f.name(), f.value());
        continue;
      }
      int d = i++;
      if (p instanceof Parameter.Range r) {
        double v = number(d, unit[d]);
        values.put(r.name(), r.integer() ? (Object) (long) v : (Object) v);
      } else if (p instanceof Parameter.Choice c) {
        values.put(c.name(), c.values().get(level(d, unit[d])));
      }
    }
    return values;
  }

  /** The level (0, 1, …) a coordinate falls in, for an integer or a choice: equal slices of [0, 1]. */
  private int level(int d, double u) {
    int levels = levels(d);
    return Math.min(levels - 1, (int) Math.floor(Math.min(1, Math.max(0, u)) * levels));
  }

  /** The value of varied range {@code d} at coordinate {@code u}, as {@link #at} gives it. */
  private double number(int d, double u) {
    Parameter.Range r = (Parameter.Range) varied.get(d);
    u = Math.min(1, Math.max(0, u));
    if (r.integer()) {
      return r.lower() + level(d, u);
    }
    if (r.logScale()) {
      return Math.exp(Math.log(r.lower()) + u * (Math.log(r.upper()) - Math.log(r.lower())));
    }
    return r.lower() + u * (r.upper() - r.lower());
  }

  /**
   * How many values coordinate {@code d} takes: 0 for a real range (a continuum), the number of
   * whole numbers of an integer range, the number of values of a choice.
   */
  int levels(int d) {
    Parameter p = varied.get(d);
    if (p instanceof Parameter.Choice c) {
      return c.values().size();
    }
    Parameter.Range r = (Parameter.Range) p;
    return r.integer() ? (int) Math.min(Integer.MAX_VALUE, (long) (r.upper() - r.lower()) + 1) : 0;
  }

  /** Whether coordinate {@code d} is a choice: a category, with no order among its values. */
  boolean categorical(int d) {
    return varied.get(d) instanceof Parameter.Choice;
  }

  /** The point with each integer's and choice's coordinate moved to the middle of its slice. */
  double[] snapped(double[] unit) {
    double[] s = unit.clone();
    for (int d = 0; d < s.length; d++) {
      s[d] = Math.min(1, Math.max(0, s[d]));
      int levels = levels(d);
      if (levels > 0) {
        s[d] = (level(d, s[d]) + 0.5) / levels;
      }
    }
    return s;
  }

  /** Whether the parameters at a point of the unit cube satisfy every constraint ({@link #allows}, without maps). */
  boolean allowsUnit(double[] unit) {
    for (int c = 0; c < constraintDims.length; c++) {
      double sum = 0;
      for (int t = 0; t < constraintDims[c].length; t++) {
        sum += constraintCoefficients[c][t] * number(constraintDims[c][t], unit[constraintDims[c][t]]);
      }
      if (sum > constraints.get(c).bound()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where parameters lie in the unit cube: the inverse of {@link #at}, a slice's middle for an
   * integer or a choice.
   */
  public double[] unit(Map<String, Object> values) {
    double[] u = new double[varied.size()];
    for (int i = 0; i < varied.size(); i++) {
      Parameter p = varied.get(i);
      Object v = values.get(p.name());
      if (v == null) {
        throw new IllegalArgumentException("no value for parameter '" + p.name() + "'");
      }
      if (p instanceof Parameter.Range r) {
        double x = ((Number) v).doubleValue();
        if (r.integer()) {
          double span = r.upper() - r.lower() + 1;
          u[i] = (x - r.lower() + 0.5) / span;
        } else if (r.logScale()) {
          u[i] = (Math.log(x) - Math.log(r.lower())) / (Math.log(r.upper()) - Math.log(r.lower()));
        } else {
          u[i] = (x - r.lower()) / (r.upper() - r.lower());
        }
      } else if (p instanceof Parameter.Choice c) {
        int k = c.values().indexOf(v);
        if (k < 0) {
          throw new IllegalArgumentException("parameter '" + p.name() + "': '" + v + "' is not one of " + c.values());
        }
        u[i] = (k + 0.5) / c.values().size();
      }
    }
    return u;
  }

  /**
   * Why a trial's parameters do not belong to this space (a parameter missing, unknown, or out of
   * its range, choices or fixed value), or empty if they do. Constraints are not checked.
   */
  java.util.Optional<String> mismatch(Map<String, Object> values) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    parameters.forEach(p -> names.add(p.name()));
    if (!names.equals(new java.util.TreeSet<>(values.keySet()))) {
      return java.util.Optional.of("its parameters are " + new java.util.TreeSet<>(values.keySet())
          + ", the search space's " + names);
    }
    for (Parameter p : parameters) {
      Object v = values.get(p.name());
      boolean fits;
      if (p instanceof Parameter.Range r) {
        fits = v instanceof Number n && n.doubleValue() >= r.lower() && n.doubleValue() <= r.upper();
      } else if (p instanceof Parameter.Choice c) {
        fits = c.values().contains(v);
      } else {
        fits = ((Parameter.Fixed) p).value().equals(v);
      }
      if (!fits) {
        return java.util.Optional.of("its parameter '" + p.name() + "' = " + v + " does not fit " + p);
      }
    }
    return java.util.Optional.empty();
  }

  /** Whether parameters satisfy every constraint. */
  public boolean allows(Map<String, Object> values) {
    return constraints.stream().allMatch(c -> c.holdsFor(values));
  }

  static void checkName(String name) {
    if (name == null || name.isBlank() || !name.strip().equals(name)) {
      throw new IllegalArgumentException("a parameter or objective needs a name without surrounding blanks, got '"
          + name + "'");
    }
  }

  @Override
  public String toString() {
    return "SearchSpace" + parameters + (constraints.isEmpty() ? "" : " with " + constraints);
  }

  /** Builds a {@link SearchSpace}; parameters keep the order they are added in. */
  public static final class Builder {
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<LinearConstraint> constraints = new ArrayList<>();

    private Builder() {}

    /** A real range, both ends included. */
    public Builder range(String name, double lower, double upper) {
      return add(new Parameter.Range(name, lower, upper, false, false));
    }

    /** A real range sampled in its logarithm (a learning rate, a cross-section). */
    public Builder logRange(String name, double lower, double upper) {
      return add(new Parameter.Range(name, lower, upper, true, false));
    }

    /** An integer range, both ends included. */
    public Builder intRange(String name, long lower, long upper) {
      return add(new Parameter.Range(name, lower, upper, false, true));
    }

    /** A choice among strings: a category, with no order among its values. */
    public Builder choice(String name, String... values) {
      return choice(name, (Object[]) values);
    }

    /**
     * A choice among values of one type: strings, integers, reals or booleans, e.g. {@code
     * choice("layers", 4, 8, 16)} or {@code choice("magnet", true, false)}; categories still, with
     * no order among them (for ordered numbers, a range).
     */
    public Builder choice(String name, Object... values) {
      return add(new Parameter.Choice(name, java.util.Arrays.asList(values)));
    }

    public Builder fixed(String name, Object value) {
      return add(new Parameter.Fixed(name, value));
    }

    /**
     * {@code sum(coefficient * parameter) <= bound}, over real or integer ranges (Ax's parameter
     * constraints); coefficients of any numeric type: {@code Map.of("x", 1, "y", 2.5)}.
     */
    public Builder constraint(Map<String, ? extends Number> coefficients, double bound) {
      Map<String, Double> real = new LinkedHashMap<>();
      coefficients.forEach((name, c) -> real.put(name, c == null ? Double.NaN : c.doubleValue()));
      constraints.add(new LinearConstraint(real, bound));
      return this;
    }

    public Builder add(Parameter parameter) {
      if (parameters.stream().anyMatch(p -> p.name().equals(parameter.name()))) {
        throw new IllegalArgumentException("parameter '" + parameter.name() + "' is defined twice");
      }
      parameters.add(parameter);
      return this;
    }

    public SearchSpace build() {
      if (parameters.isEmpty()) {
        throw new IllegalArgumentException("a search space needs at least one parameter");
      }
      for (LinearConstraint c : constraints) {
        for (String name : c.coefficients().keySet()) {
          Parameter p = parameters.stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow(
              () -> new IllegalArgumentException("a constraint names parameter '" + name + "', which the space does not have"));
          if (!(p instanceof Parameter.Range)) {
            throw new IllegalArgumentException("a constraint names parameter '" + name + "', which is not a range");
          }
        }
      }
      return new SearchSpace(parameters, constraints);
    }
  }
}
