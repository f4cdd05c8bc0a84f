package org.taskwire.samples;

import java.util.Optional;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.TrialStatus;

/**
 * The best point of a study over (x, y) with one objective, and how many of its trials were
 * evaluated and failed: what the {@code hpo} and {@code aid2e} samples report.
 */
public record BestPoint(double x, double y, double value, int evaluations, int failures) {

  /** The study's best trial, or empty if none completed. */
  public static Optional<BestPoint> of(Optimizer study, String objective) {
    int evaluations = count(study, TrialStatus.COMPLETED);
    int failures = count(study, TrialStatus.FAILED);
    return study.best().map(r -> new BestPoint(r.trial().number("x"), r.trial().number("y"),
        r.measurements().get(objective).mean(), evaluations, failures));
  }

  private static int count(Optimizer study, TrialStatus status) {
    return (int) study.trials().stream().filter(r -> r.status() == status).count();
  }
}
