package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.Grid;
import org.taskwire.In;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.testing.e2e.Steps.Point;
import org.taskwire.testing.e2e.StepsTasks.ChildIn;
import org.taskwire.testing.e2e.StepsTasks.ParentArgs;

/** Multi-step workflows, as every backend must run them; each backend's test class opens a run. */
abstract class MultiStepContract {
  /** Outlives each test: a call a test cancelled may still run, and must find its release file. */
  @TempDir static Path gates;
  Path gate;

  @BeforeEach
  void newGate() throws java.io.IOException {
    gate = Files.createTempDirectory(gates, "gate");
  }

  private static final List<Point> GRID = Grid.product(Point::new, List.of("pi+", "kaon+"), List.of(0.1, 0.2));

  private AsyncMapResult<Point, Double> parents(List<Point> grid) {
    return StepsTasks.parentMapAsync(grid, p -> new ParentArgs(p, gate.toString()));
  }

  @Test
  void oneToOneChildStartsWhileTheSlowestParentStillRuns() {
    List<Point> grid = List.of(new Point("slow", 0.1), new Point("pi+", 0.2), new Point("kaon+", 0.3));
    AsyncMapResult<Point, Double> parents = parents(grid);
    AsyncMapResult<Point, Double> children = StepsTasks.childMapAsync(grid,
        p -> new ChildIn(In.of(p), parents.at(p), In.of(gate.toString())));

    MapResult<Point, Double> done = children.await();

    // The slow parent returns only once a child has started: with a barrier between the steps it
    // would have failed after 120 s, and its child with it.
    assertThat(done.failures()).isEmpty();
    assertThat(done.keySet()).containsExactlyElementsOf(grid);
    assertThat(done.value(new Point("slow", 0.1))).isEqualTo(1.0 + 100.0);
    assertThat(done.value(new Point("kaon+", 0.3))).isCloseTo(3.0 + 300.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(gate.resolve("child-started")).exists();
  }

  @Test
  void allToOneReceivesTheTypedMapKeyedByGridPointInBothCodecs() {
    AsyncMapResult<Point, Double> parents = parents(GRID);
    AsyncResult<String> kryo = StepsTasks.mergeAsync(parents.values());
    AsyncResult<String> json = StepsTasks.mergeJsonAsync(parents.values());
    AsyncResult<String> tally = StepsTasks.tallyAsync(parents.outcomes());
    AsyncResult<String> tallyJson = StepsTasks.tallyJsonAsync(parents.outcomes());

    String expected = "pi+@0.1=1.0;pi+@0.2=2.0;kaon+@0.1=1.0;kaon+@0.2=2.0;";
    assertThat(kryo.await(Duration.ofMinutes(3))).isEqualTo(expected);
    assertThat(json.await(Duration.ofMinutes(3))).isEqualTo(expected);
    assertThat(tally.await(Duration.ofMinutes(3))).isEqualTo(expected);
    assertThat(tallyJson.await(Duration.ofMinutes(3))).isEqualTo(expected);
  }

  @Test
  void aGroupOfAFanOutFeedsItsStepWhileAnotherGroupStillRuns() throws Exception {
    Point held = new Point("hold", 0.5);
    List<Point> grid = List.of(new Point("pi+", 0.1), held, new Point("pi+", 0.2));
    AsyncMapResult<Point, Double> parents = parents(grid);
    java.util.Map<String, AsyncMapResult<Point, Double>> groups = parents.groupBy(Point::particle);
    assertThat(groups.keySet()).containsExactly("pi+", "hold");
    assertThat(groups.get("pi+").keys()).containsExactly(new Point("pi+", 0.1), new Point("pi+", 0.2));
    AsyncResult<String> pions = StepsTasks.mergeAsync(groups.get("pi+").values());
    AsyncResult<String> holds = StepsTasks.mergeAsync(groups.get("hold").values());

    // The held parent returns only once the release file exists, written below: the pi+ merge can
    // only end first if it waited for its own group alone.
    assertThat(pions.await(Duration.ofMinutes(3))).isEqualTo("pi+@0.1=1.0;pi+@0.2=2.0;");
    assertThat(parents.at(held).isDone()).isFalse();
    assertThat(holds.isDone()).isFalse();
    Files.writeString(gate.resolve("release"), "go");
    assertThat(holds.await(Duration.ofMinutes(3))).isEqualTo("hold@0.5=5.0;");
  }

  @Test
  void aFailedInputFailsItsDependentsWithoutRunningThem() {
    List<Point> grid = List.of(new Point("pi+", 0.1), new Point("fail", 0.2));
    AsyncMapResult<Point, Double> parents = parents(grid);
    AsyncMapResult<Point, Double> children = StepsTasks.childMapAsync(grid,
        p -> new ChildIn(In.of(p), parents.at(p), In.of(gate.toString())));
    AsyncResult<String> merged = StepsTasks.mergeAsync(parents.values());
    AsyncResult<String> tally = StepsTasks.tallyJsonAsync(parents.outcomes());

    MapResult<Point, Double> done = children.await();
    assertThat(done.value(new Point("pi+", 0.1))).isCloseTo(101.0, org.assertj.core.data.Offset.offset(1e-9));
    WorkFailedException failed = done.failures().get(new Point("fail", 0.2));
    long parentCall = parents.at(new Point("fail", 0.2)).callId();
    assertThat(failed.kind()).isEqualTo(FailureKind.DEPENDENCY_FAILED);
    assertThat(failed.attempt()).isZero();
    assertThat(failed.getMessage())
        .contains("work child did not run (DEPENDENCY_FAILED)")
        .contains("parentValue (parent call " + parentCall + ")")
        .contains("no detector response for Point[particle=fail, eta=0.2]");
    assertThat(failed.getCause()).isInstanceOf(WorkFailedException.class);
    assertThat(((WorkFailedException) failed.getCause()).kind()).isEqualTo(FailureKind.WORK_THREW);

    assertThatThrownBy(() -> merged.await(Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.DEPENDENCY_FAILED);
          assertThat(e.getMessage()).contains("1 of 2 calls of parent failed (all had to succeed)")
              .contains("Point[particle=fail, eta=0.2]");
          // The cause is the input's own failure, as for a one-to-one input.
          assertThat(e.getCause()).isInstanceOfSatisfying(WorkFailedException.class, c -> {
            assertThat(c.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(c.workName()).isEqualTo("parent");
          });
        });
    // outcomes() never fails the step: it sees the failure as data, through JSON.
    assertThat(tally.await(Duration.ofMinutes(3)))
        .startsWith("pi+@0.1=1.0;fail@0.2=WORK_THREW:no detector response");
  }

  @Test
  void aMinimumFractionOfSuccessesIsHonoured() {
    List<Point> grid = List.of(new Point("pi+", 0.1), new Point("pi+", 0.2), new Point("kaon+", 0.1),
        new Point("fail", 0.1));
    AsyncMapResult<Point, Double> parents = parents(grid);
    AsyncResult<String> enough = StepsTasks.mergeAsync(parents.values(0.75));
    AsyncResult<String> tooFew = StepsTasks.mergeJsonAsync(parents.values(0.8));
    AsyncResult<String> outcomesTooFew = StepsTasks.tallyAsync(parents.outcomes(0.8));

    assertThat(enough.await(Duration.ofMinutes(3))).isEqualTo("pi+@0.1=1.0;pi+@0.2=2.0;kaon+@0.1=1.0;");
    assertThatThrownBy(() -> tooFew.await(Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.DEPENDENCY_FAILED);
          assertThat(e.getMessage()).contains("1 of 4 calls of parent failed (at least 80% had to succeed)");
        });
    assertThatThrownBy(() -> outcomesTooFew.await(Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.DEPENDENCY_FAILED);
          assertThat(e.getCause()).isInstanceOfSatisfying(WorkFailedException.class,
              c -> assertThat(c.kind()).isEqualTo(FailureKind.WORK_THREW));
        });
  }

  @Test
  void cancellingACallCancelsWhatWaitsOnIt() throws Exception {
    Point held = new Point("hold", 0.5);
    AsyncResult<Double> parent = StepsTasks.parentAsync(held, gate.toString());
    AsyncResult<Double> child = StepsTasks.childAsync(In.of(held), parent, In.of(gate.toString()));
    AsyncResult<String> grandchild = StepsTasks.mergeAsync(
        StepsTasks.childMapAsync(List.of(held), p -> new ChildIn(In.of(p), child, In.of(gate.toString()))).values());
    assertThat(child.callId()).isZero();
    assertThat(child.toString()).contains("waiting for its inputs");

    assertThat(parent.cancel(false)).isTrue();

    assertThat(child.isCancelled()).isTrue();
    assertThatThrownBy(child::await).isInstanceOf(CancellationException.class);
    assertThat(grandchild.isCancelled()).isTrue();
    Files.writeString(gate.resolve("release"), "");
    assertThat(gate.resolve("child-started")).doesNotExist();
  }

  @Test
  void anInputWhoseValueIsNullForAPrimitiveParameterFailsTheCallWithoutRunningIt() {
    AsyncResult<Double> nothing = StepsTasks.orNullAsync(-1);
    AsyncResult<Double> child = StepsTasks.childAsync(In.of(new Point("pi+", 0.1)), nothing, In.of(gate.toString()));
    assertThatThrownBy(() -> child.await(Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
          assertThat(e.attempt()).isZero();
          assertThat(e.getMessage()).contains("parameter parentValue of child is primitive, but its input's value is null");
        });
    assertThat(gate.resolve("child-started")).doesNotExist();
  }

  @Test
  void aHandleMustHaveAnInputPerParameterAndNoNulls() {
    assertThatThrownBy(() -> StepsTasks.childAsync(In.of(new Point("pi+", 0.1)), null, In.of(gate.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the input for parameter parentValue of child is null");
    assertThatThrownBy(() -> StepsTasks.childAsync(In.of(new Point("pi+", 0.1)), In.of(null), In.of(gate.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the input for parameter parentValue of child is In.of(null), but the parameter is primitive");
    assertThatThrownBy(() -> StepsTasks.childMapAsync(GRID, p -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the call built for key Point[particle=pi+, eta=0.1] of child is null");
    assertThatThrownBy(() -> StepsTasks.parentMapAsync(List.of(GRID.get(0), GRID.get(0)),
        p -> new ParentArgs(p, gate.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }
}
