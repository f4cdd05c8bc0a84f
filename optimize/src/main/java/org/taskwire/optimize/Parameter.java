package org.taskwire.optimize;

import java.util.List;
import java.util.Objects;

/** One parameter of a {@link SearchSpace}: a range, a choice, or a fixed value. */
public sealed interface Parameter permits Parameter.Range, Parameter.Choice, Parameter.Fixed {

  /** The parameter's name, as trials carry it. */
  String name();

  /**
   * A range of numbers, both ends included.
   *
   * @param logScale sampled uniformly in the logarithm (both ends must be positive)
   * @param integer whole numbers only (values are {@code Long}s; others are {@code Double}s)
   */
  record Range(String name, double lower, double upper, boolean logScale, boolean integer) implements Parameter {
    public Range {
      SearchSpace.checkName(name);
      if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower >= upper) {
        throw new IllegalArgumentException("parameter '" + name + "': the range [" + lower + ", " + upper
            + "] must have finite ends, the lower below the upper");
      }
      if (logScale && lower <= 0) {
        throw new IllegalArgumentException("parameter '" + name + "': a log-scale range must be positive, got lower "
            + lower + "; use a linear range or shift it");
      }
      if (integer && (lower != Math.rint(lower) || upper != Math.rint(upper))) {
        throw new IllegalArgumentException("parameter '" + name + "': an integer range needs whole ends, got ["
            + lower + ", " + upper + "]");
      }
    }
  }

  /**
   * One of a list of values, unordered (a category): strings, integers ({@code Long}s), reals
   * ({@code Double}s) or booleans, all of one type.
   */
  record Choice(String name, List<Object> values) implements Parameter {
    public Choice {
      SearchSpace.checkName(name);
      values = values.stream().map(v -> Trial.normalised(name, v)).toList();
      if (values.stream().map(Object::getClass).distinct().count() > 1) {
        throw new IllegalArgumentException("parameter '" + name + "': the values of a choice must be of one type "
            + "(strings, integers, reals or booleans), got " + values);
      }
      if (values.size() < 2) {
        throw new IllegalArgumentException("parameter '" + name + "': a choice needs at least two values, got "
            + values + "; use a fixed parameter for one");
      }
      if (values.stream().distinct().count() != values.size()) {
        throw new IllegalArgumentException("parameter '" + name + "': the values of a choice must differ, got " + values);
      }
    }
  }

  /** A value every trial carries unchanged: a {@code Double}, a {@code Long} or a {@code String}. */
  record Fixed(String name, Object value) implements Parameter {
    public Fixed {
      SearchSpace.checkName(name);
      value = Trial.normalised(name, Objects.requireNonNull(value, "parameter '" + name + "': a fixed value cannot be null"));
    }
  }
}
