package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class HypervolumeTest {

  @Test
  void twoObjectivesByHand() {
    // Three staircase points up to (4, 4): 3*1 + 2*1 (strips) ... computed as the union of boxes.
    List<double[]> points = List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1});
    // Boxes [1,4]x[3,4] ∪ [2,4]x[2,4] ∪ [3,4]x[1,4] = 3 + 2 + 1 = 6.
    assertThat(Hypervolume.ofMinimised(points, new double[] {4, 4})).isEqualTo(6.0);
    List<double[]> withDominated = new ArrayList<>(points);
    withDominated.add(new double[] {2.5, 2.5});
    withDominated.add(new double[] {5, 0}); // beyond the reference in the first objective
    assertThat(Hypervolume.ofMinimised(withDominated, new double[] {4, 4})).isEqualTo(6.0);
    assertThat(Hypervolume.ofMinimised(List.of(), new double[] {4, 4})).isZero();
  }

  @Test
  void threeObjectivesAgreeWithMonteCarlo() {
    SplittableRandom random = new SplittableRandom(3);
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      points.add(new double[] {random.nextDouble(), random.nextDouble(), random.nextDouble()});
    }
    double exact = Hypervolume.ofMinimised(points, new double[] {1, 1, 1});
    int hits = 0;
    int samples = 400_000;
    for (int s = 0; s < samples; s++) {
      double[] x = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
      for (double[] p : points) {
        if (p[0] <= x[0] && p[1] <= x[1] && p[2] <= x[2]) {
          hits++;
          break;
        }
      }
    }
    assertThat(exact).isCloseTo((double) hits / samples, Offset.offset(0.005));
    // One point: its box.
    assertThat(Hypervolume.ofMinimised(List.<double[]>of(new double[] {0.5, 0.5, 0.5}), new double[] {1, 1, 1}))
        .isCloseTo(0.125, Offset.offset(1e-12));
  }

  @Test
  void trialsUseTheThresholdsAsReferenceAndMaximisedObjectivesCount() {
    List<Objective> objectives = List.of(Objective.minimize("resolution").withThreshold(4),
        Objective.maximize("acceptance").withThreshold(-4));
    Trial t = new Trial(0, Map.of("x", 0.5));
    List<TrialRecord> trials = List.of(
        new TrialRecord(t, TrialStatus.COMPLETED, Map.of("resolution", Measurement.of(2), "acceptance", Measurement.of(-2)), null),
        new TrialRecord(new Trial(1, Map.of("x", 0.1)), TrialStatus.FAILED, Map.of(), "crashed"));
    assertThat(Hypervolume.of(trials, objectives)).isEqualTo(4.0);
    assertThatThrownBy(() -> Hypervolume.of(trials, List.of(Objective.minimize("a"), Objective.minimize("b"))))
        .hasMessageContaining("give objective 'a' a threshold");
  }
}
