package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.uma.jmetal.operator.crossover.impl.SBXCrossover;
import org.uma.jmetal.operator.mutation.impl.PolynomialMutation;
import org.uma.jmetal.solution.doublesolution.DoubleSolution;
import org.uma.jmetal.solution.doublesolution.impl.DefaultDoubleSolution;
import org.uma.jmetal.util.bounds.Bounds;
import org.uma.jmetal.util.densityestimator.impl.CrowdingDistanceDensityEstimator;
import org.uma.jmetal.util.pseudorandom.RandomGenerator;
import org.uma.jmetal.util.ranking.impl.FastNonDominatedSortRanking;

/**
 * NSGA-II (Deb et al., IEEE TEC 2002) in its steady-state form (Durillo et al., "On the effect of
 * the steady-state selection scheme in multi-objective genetic algorithms", EMO 2009), which suits
 * a study that refills each trial as it ends instead of waiting for a generation. The first
 * {@value #POPULATION} points are a Sobol design. Then each proposal is a child of two parents,
 * each picked by binary tournament from the population — the best {@value #POPULATION} completed
 * trials by non-dominated rank and crowding distance — through simulated binary crossover and
 * polynomial mutation (both with distribution index 20, crossover probability 0.9, mutation
 * probability 1/d). Ranking, crowding and the operators are jMetal's, on the unit cube.
 */
final class Nsga2Optimizer extends SobolStart {
  static final String NAME = "nsga2";
  static final int POPULATION = 20;
  private static final double DISTRIBUTION_INDEX = 20;
  private static final double CROSSOVER_PROBABILITY = 0.9;

  Nsga2Optimizer(SearchSpace space, List<Objective> objectives, long seed) {
    super(space, objectives, seed);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  int initialPoints() {
    return POPULATION;
  }

  @Override
  double[] fromModel(List<TrialRecord> history, SplittableRandom random) {
    List<DoubleSolution> completed = new ArrayList<>();
    for (TrialRecord r : history) {
      if (r.status() == TrialStatus.COMPLETED) {
        completed.add(solution(r));
      }
    }
    if (completed.size() < 2) {
      return null;
    }
    // Rank and crowding of every completed trial; the population is the best POPULATION of them.
    FastNonDominatedSortRanking<DoubleSolution> ranking = new FastNonDominatedSortRanking<>();
    ranking.compute(completed);
    CrowdingDistanceDensityEstimator<DoubleSolution> crowding = new CrowdingDistanceDensityEstimator<>();
    Map<DoubleSolution, Double> distance = new HashMap<>();
    Map<DoubleSolution, Integer> rank = new HashMap<>();
    List<DoubleSolution> population = new ArrayList<>();
    for (int front = 0; front < ranking.getNumberOfSubFronts() && population.size() < POPULATION; front++) {
      List<DoubleSolution> members = new ArrayList<>(ranking.getSubFront(front));
      crowding.compute(members);
      for (DoubleSolution s : members) {
        distance.put(s, crowding.value(s));
        rank.put(s, front);
      }
      members.sort(Comparator.comparingDouble((DoubleSolution s) -> distance.get(s)).reversed());
      population.addAll(members.subList(0, Math.min(members.size(), POPULATION - population.size())));
    }
    Comparator<DoubleSolution> better = Comparator.comparingInt((DoubleSolution s) -> rank.get(s))
        .thenComparing(Comparator.comparingDouble((DoubleSolution s) -> distance.get(s)).reversed());
    DoubleSolution mother = tournament(population, better, random);
    DoubleSolution father = tournament(population, better, random);
    RandomGenerator<Double> uniform = random::nextDouble;
    int d = space().dimensions();
    DoubleSolution child = new SBXCrossover(CROSSOVER_PROBABILITY, DISTRIBUTION_INDEX, uniform)
        .execute(List.of(mother, father)).get(0);
    child = new PolynomialMutation(1.0 / d, DISTRIBUTION_INDEX, uniform).execute(child);
    double[] u = new double[d];
    for (int i = 0; i < d; i++) {
      u[i] = Math.min(1, Math.max(0, child.variables().get(i)));
    }
    return u;
  }

  private static DoubleSolution tournament(List<DoubleSolution> population, Comparator<DoubleSolution> better,
      SplittableRandom random) {
    DoubleSolution a = population.get(random.nextInt(population.size()));
    DoubleSolution b = population.get(random.nextInt(population.size()));
    return better.compare(a, b) <= 0 ? a : b;
  }

  /** A completed trial as a jMetal solution on the unit cube, every objective minimised. */
  private DoubleSolution solution(TrialRecord r) {
    int d = space().dimensions();
    List<Bounds<Double>> bounds = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      bounds.add(Bounds.create(0.0, 1.0));
    }
    double[] f = minimised(r);
    DoubleSolution s = new DefaultDoubleSolution(bounds, f.length, 0);
    double[] u = space().unit(r.trial().parameters());
    for (int i = 0; i < d; i++) {
      s.variables().set(i, u[i]);
    }
    System.arraycopy(f, 0, s.objectives(), 0, f.length);
    return s;
  }
}
