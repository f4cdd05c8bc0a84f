package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Gaussian process of one objective over an optimiser's completed trials, to look into: its
 * prediction and uncertainty at any point (Ax's {@code predict}), leave-one-out cross-validation
 * of every trial (Ax's {@code cross_validate}), and each parameter's sensitivity from the fitted
 * length scales (Ax's feature importances). The same model the GP optimisers fit, with the same
 * priors; a measurement's standard error is its noise.
 */
public final class Surrogate {
  private final SearchSpace space;
  private final Objective objective;
  private final List<TrialRecord> trials;
  private final GaussianProcess model;

  /** A prediction of an objective: the posterior mean and its standard deviation, in the objective's units. */
  public record Prediction(double mean, double sd) {}

  private Surrogate(SearchSpace space, Objective objective, List<TrialRecord> trials, GaussianProcess model) {
    this.space = space;
    this.objective = objective;
    this.trials = trials;
    this.model = model;
  }

  /**
   * The model of {@code objective} over the optimiser's completed trials.
   *
   * @throws IllegalArgumentException if the optimiser has no such objective, or fewer than two trials completed
   */
  public static Surrogate fit(Optimizer optimizer, String objective) {
    Objective o = optimizer.objectives().stream().filter(x -> x.name().equals(objective)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the optimiser has no objective '" + objective + "'; it has "
            + optimizer.objectives().stream().map(Objective::name).toList()));
    List<TrialRecord> completed = optimizer.trials().stream().filter(r -> r.status() == TrialStatus.COMPLETED).toList();
    if (completed.size() < 2) {
      throw new IllegalArgumentException("a surrogate needs two completed trials at least, the optimiser has "
          + completed.size());
    }
    SearchSpace space = optimizer.space();
    List<double[]> x = completed.stream().map(r -> space.unit(r.trial().parameters())).toList();
    double[] y = completed.stream().mapToDouble(r -> r.measurements().get(objective).mean()).toArray();
    double[] sem = completed.stream().mapToDouble(r -> r.measurements().get(objective).sem()).toArray();
    return new Surrogate(space, o, completed,
        GaussianProcess.fit(x, y, sem, ExpectedImprovement.categorical(space)));
  }

  /** The model's prediction of the (noise-free) objective at parameters of the space. */
  public Prediction predict(Map<String, Object> parameters) {
    double[] p = model.predict(space.snapped(space.unit(parameters)));
    return new Prediction(p[0], p[1]);
  }

  /**
   * Leave-one-out cross-validation: for each trial the model was fitted on, in order, the
   * prediction of its measurement by the model of all the others (same hyper-parameters; exact,
   * from the inverse covariance, as Rasmussen and Williams' eq. 5.12). The standard deviation is
   * that of an observation, noise included.
   */
  public List<Prediction> crossValidate() {
    List<Prediction> out = new ArrayList<>();
    for (double[] p : model.leaveOneOut()) {
      out.add(new Prediction(p[0], p[1]));
    }
    return out;
  }

  /**
   * How strongly the objective varies with each varied parameter: the inverse of its fitted length
   * scale, the whole summing to 1 (a parameter the model finds flat gets nearly 0).
   */
  public Map<String, Double> sensitivity() {
    double[] lengths = model.lengthScales();
    double sum = 0;
    for (double l : lengths) {
      sum += 1 / l;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    int i = 0;
    for (Parameter p : space.parameters()) {
      if (!(p instanceof Parameter.Fixed)) {
        out.put(p.name(), (1 / lengths[i++]) / sum);
      }
    }
    return out;
  }

  /** The completed trials the model was fitted on, in the order {@link #crossValidate} follows. */
  public List<TrialRecord> trials() {
    return trials;
  }

  /** The objective modelled. */
  public Objective objective() {
    return objective;
  }
}
