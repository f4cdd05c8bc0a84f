package org.taskwire.internal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RucioNamesTest {
  record Point(String particle, double eta) {}

  enum Detector { DRICH, PFRICH }

  record Args(Point point, int slice, Detector detector, String note) {}

  @Test
  void aTemplateTakesTheCallsArgumentsWrittenAsRucioTakesThem() {
    Args args = new Args(new Point("pi+", -0.1), 3, Detector.DRICH, "a b/c");
    assertThat(RucioNames.dataset("{run}.{work}.{point}.{slice}_{detector}", "r1", "sim", args))
        .isEqualTo("r1.sim.particle-piplus_eta--0.1.3_DRICH");
    assertThat(RucioNames.dataset("{work}.{note}", "r1", "sim", args)).isEqualTo("sim.a_b_c");
    assertThat(RucioNames.parameterValues("{run}.{point}.{slice}", args)).isEqualTo(List.of(new Point("pi+", -0.1), 3));
  }

  @Test
  void aNameRucioRefusesSaysSo() {
    Args args = new Args(new Point("x".repeat(300), 0), 0, Detector.PFRICH, "");
    assertThatThrownBy(() -> RucioNames.dataset("{run}.{point}", "r1", "sim", args))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the dataset of sim").hasMessageContaining("at most 250");
    assertThatThrownBy(() -> RucioNames.dataset("{run}.{grid}", "r1", "sim", args))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{grid}, which is no parameter");
  }

  @Test
  void aFilesNameIsPrunsWithTheAttempt() {
    assertThat(RucioNames.lfn("r1", "sim", 7, 2, "my_test.txt")).isEqualTo("r1.sim._000007.2.my_test.txt");
    assertThatThrownBy(() -> RucioNames.lfn("r1", "sim", 7, 2, "a b.txt")).isInstanceOf(DataFileException.class)
        .hasMessageContaining("rename the file");
  }
}
