package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ask/tell bookkeeping every optimiser shares: trial ids, statuses, measurements, the best
 * trial and the Pareto front, and the saved state. An optimiser only proposes points.
 */
abstract class TrialBook implements Optimizer {
  /**
   * How many draws may fail the constraints, or repeat a trial, in a row before the space is taken
   * to leave no room.
   */
  private static final int MAX_REJECTED = 10_000;

  private final SearchSpace space;
  private final List<Objective> objectives;
  private final List<OutcomeConstraint> outcomeConstraints;
  private final long seed;
  private final TreeMap<Integer, TrialRecord> trials = new TreeMap<>();
  /** Trials the space-filling design proposed, not a model. */
  private final java.util.TreeSet<Integer> designed = new java.util.TreeSet<>();
  private long drawn;

  TrialBook(SearchSpace space, List<Objective> objectives, long seed) {
    this(space, objectives, List.of(), seed);
  }

  TrialBook(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> outcomeConstraints, long seed) {
    this.space = space;
    this.objectives = List.copyOf(objectives);
    this.outcomeConstraints = List.copyOf(outcomeConstraints);
    this.seed = seed;
    if (this.objectives.isEmpty()) {
      throw new IllegalArgumentException("an optimiser needs at least one objective");
    }
    Set<String> names = new HashSet<>();
    for (Objective o : this.objectives) {
      if (!names.add(o.name())) {
        throw new IllegalArgumentException("objective '" + o.name() + "' is given twice");
      }
    }
    for (OutcomeConstraint c : this.outcomeConstraints) {
      if (names.contains(c.metric())) {
        throw new IllegalArgumentException("outcome constraint " + c + " bounds an objective; bound another metric, "
            + "or give the objective a threshold");
      }
    }
  }

  /** The next point of the unit cube to try, with the trials so far (running ones included). */
  abstract double[] propose(List<TrialRecord> history);

  /** Whether the last point {@link #propose} gave came from a space-filling design rather than a model. */
  boolean lastProposalDesigned() {
    return true;
  }

  /** The parameters of every trial in a history, whatever its status. */
  static Set<Map<String, Object>> tried(List<TrialRecord> history) {
    Set<Map<String, Object>> tried = new HashSet<>();
    history.forEach(r -> tried.add(r.trial().parameters()));
    return tried;
  }

  /** How many points were proposed so far, those the constraints rejected included. */
  long drawn() {
    return drawn;
  }

  /** Takes up a saved state's trials. */
  void restore(OptimizerState state) {
    if (!state.optimizer().equals(name())) {
      throw new IllegalArgumentException("the saved state is of optimiser '" + state.optimizer() + "', not '" + name()
          + "'");
    }
    for (TrialRecord r : state.trials()) {
      String unfit = space.mismatch(r.trial().parameters()).orElse(null);
      if (unfit == null && r.status() == TrialStatus.COMPLETED) {
        unfit = objectives.stream().filter(o -> !r.measurements().containsKey(o.name())).findFirst()
            .map(o -> "it has no measurement of objective '" + o.name() + "'")
            .or(() -> outcomeConstraints.stream().filter(c -> !r.measurements().containsKey(c.metric())).findFirst()
                .map(c -> "it has no measurement of metric '" + c.metric() + "' of outcome constraint " + c))
            .orElse(null);
      }
      if (unfit != null) {
        throw new IllegalArgumentException("trial " + r.trial().id() + " of the saved state does not belong to this "
            + "study: " + unfit + "; load a state with the search space and objectives it was saved with");
      }
      trials.put(r.trial().id(), r);
    }
    designed.addAll(state.designed());
    drawn = state.drawn();
  }

  long seed() {
    return seed;
  }

  @Override
  public SearchSpace space() {
    return space;
  }

  @Override
  public List<Objective> objectives() {
    return objectives;
  }

  @Override
  public List<OutcomeConstraint> outcomeConstraints() {
    return outcomeConstraints;
  }

  /** Whether a completed trial keeps every outcome constraint. */
  boolean feasible(TrialRecord r) {
    return outcomeConstraints.stream().allMatch(c -> c.keptBy(r.measurements().get(c.metric()).mean()));
  }

  @Override
  public List<Trial> ask(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("ask for at least one trial, got " + n);
    }
    List<Trial> asked = new ArrayList<>();
    Set<Map<String, Object>> tried = tried(trials());
    for (int i = 0; i < n; i++) {
      Map<String, Object> values = null;
      int repeats = 0;
      for (int tries = 0; values == null; tries++) {
        if (tries == MAX_REJECTED) {
          throw new IllegalStateException(repeats > tries / 2
              ? "no untried point in " + MAX_REJECTED + " drawn: the space " + space + " has (almost) no point left "
                  + "that no trial has taken"
              : "no point of " + MAX_REJECTED + " drawn satisfies the constraints " + space.constraints()
                  + "; they leave (almost) no room in the space");
        }
        // Model-based proposals are feasible and new by construction; the others are drawn again.
        Map<String, Object> candidate = space.at(propose(trials()));
        drawn++;
        boolean repeat = tried.contains(candidate);
        repeats += repeat ? 1 : 0;
        values = space.allows(candidate) && !repeat ? candidate : null;
      }
      tried.add(values);
      int id = trials.isEmpty() ? 0 : trials.lastKey() + 1;
      if (lastProposalDesigned()) {
        designed.add(id);
      }
      Trial trial = new Trial(id, values);
      trials.put(id, new TrialRecord(trial, TrialStatus.RUNNING, Map.of(), null));
      asked.add(trial);
    }
    return asked;
  }

  @Override
  public Trial attach(Map<String, Object> parameters) {
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    for (Parameter p : space.parameters()) {
      Object v = parameters.get(p.name());
      if (v == null && p instanceof Parameter.Fixed f) {
        v = f.value();
      }
      if (v != null) {
        v = Trial.normalised(p.name(), v);
        if (p instanceof Parameter.Range r && v instanceof Number n) {
          // As asked trials carry them: whole numbers for an integer range, reals for the others.
          if (r.integer() && n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("cannot attach a trial: parameter '" + p.name() + "' is an integer, got "
                + n);
          }
          v = r.integer() ? (Object) n.longValue() : (Object) n.doubleValue();
        }
        values.put(p.name(), v);
      }
    }
    parameters.keySet().stream().filter(k -> !values.containsKey(k)).forEach(k -> values.put(k, parameters.get(k)));
    String unfit = space.mismatch(values).orElse(null);
    if (unfit != null) {
      throw new IllegalArgumentException("cannot attach a trial: " + unfit);
    }
    if (!space.allows(values)) {
      throw new IllegalArgumentException("cannot attach a trial: " + values + " breaks the constraints "
          + space.constraints());
    }
    int id = trials.isEmpty() ? 0 : trials.lastKey() + 1;
    Trial trial = new Trial(id, values);
    trials.put(id, new TrialRecord(trial, TrialStatus.RUNNING, Map.of(), null));
    return trial;
  }

  @Override
  public void tell(int trialId, Map<String, Measurement> measurements) {
    TrialRecord r = running(trialId, "tell");
    for (Objective o : objectives) {
      if (!measurements.containsKey(o.name())) {
        throw new IllegalArgumentException("trial " + trialId + " was told " + measurements.keySet()
            + " but not objective '" + o.name() + "'; tell every objective, or mark the trial failed");
      }
    }
    for (OutcomeConstraint c : outcomeConstraints) {
      if (!measurements.containsKey(c.metric())) {
        throw new IllegalArgumentException("trial " + trialId + " was told " + measurements.keySet()
            + " but not metric '" + c.metric() + "' of outcome constraint " + c + "; tell it too, or mark the trial "
            + "failed");
      }
    }
    trials.put(trialId, new TrialRecord(r.trial(), TrialStatus.COMPLETED, measurements, null));
  }

  @Override
  public void fail(int trialId, String reason) {
    TrialRecord r = running(trialId, "fail");
    trials.put(trialId, new TrialRecord(r.trial(), TrialStatus.FAILED, Map.of(), reason));
  }

  @Override
  public void abandon(int trialId, String reason) {
    TrialRecord r = running(trialId, "abandon");
    trials.put(trialId, new TrialRecord(r.trial(), TrialStatus.ABANDONED, Map.of(), reason));
  }

  private TrialRecord running(int trialId, String verb) {
    TrialRecord r = trials.get(trialId);
    if (r == null) {
      throw new IllegalStateException("cannot " + verb + " trial " + trialId + ": no such trial (ids go from 0 to "
          + (trials.isEmpty() ? "none yet" : trials.lastKey()) + ")");
    }
    if (r.status() != TrialStatus.RUNNING) {
      throw new IllegalStateException("cannot " + verb + " trial " + trialId + ": it is " + r.status()
          + " already");
    }
    return r;
  }

  @Override
  public List<TrialRecord> trials() {
    return List.copyOf(trials.values());
  }

  @Override
  public Optional<TrialRecord> best() {
    if (objectives.size() != 1) {
      throw new IllegalStateException("best() is for one objective; with " + objectives.size()
          + " objectives, use paretoFront()");
    }
    Objective o = objectives.get(0);
    TrialRecord best = null;
    for (TrialRecord r : trials.values()) {
      if (r.status() == TrialStatus.COMPLETED && feasible(r)
          && (best == null || o.better(r.measurements().get(o.name()).mean(), best.measurements().get(o.name()).mean()))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public List<TrialRecord> paretoFront() {
    List<TrialRecord> candidates = trials.values().stream()
        .filter(r -> r.status() == TrialStatus.COMPLETED && withinThresholds(r) && feasible(r)).toList();
    List<TrialRecord> front = new ArrayList<>();
    for (TrialRecord r : candidates) {
      if (candidates.stream().noneMatch(other -> dominates(other, r))) {
        front.add(r);
      }
    }
    return front;
  }

  private boolean withinThresholds(TrialRecord r) {
    for (Objective o : objectives) {
      double v = r.measurements().get(o.name()).mean();
      if (o.threshold() != null && !(o.better(v, o.threshold()) || v == o.threshold())) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a} is at least as good as {@code b} in every objective and better in one. */
  private boolean dominates(TrialRecord a, TrialRecord b) {
    boolean strictly = false;
    for (Objective o : objectives) {
      double x = a.measurements().get(o.name()).mean();
      double y = b.measurements().get(o.name()).mean();
      if (o.better(y, x)) {
        return false;
      }
      strictly |= o.better(x, y);
    }
    return strictly;
  }

  /** A completed trial's objective values, each turned so that lower is better. */
  double[] minimised(TrialRecord r) {
    double[] v = new double[objectives.size()];
    for (int i = 0; i < v.length; i++) {
      Objective o = objectives.get(i);
      v[i] = o.minimised(r.measurements().get(o.name()).mean());
    }
    return v;
  }

  @Override
  public OptimizerState save() {
    return new OptimizerState(name(), seed, drawn(), trials(), List.copyOf(designed));
  }
}
