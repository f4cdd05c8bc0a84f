package org.taskwire.internal.backend.panda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pseudo-file names that carry a grid job's call. */
class GridCallsTest {

  @Test
  void smallArgumentsTravelInTheName() {
    byte[] args = {1, 2, 3, (byte) 0xff};
    String name = GridCalls.name(42, args);
    assertThat(GridCalls.callId(name)).isEqualTo(42);
    assertThat(GridCalls.inlineArguments(name)).hasValueSatisfying(a -> assertThat(a).isEqualTo(args));
  }

  @Test
  void aWorkWithoutParametersHasEmptyInlineArgumentsNotACallsFileEntry() {
    // Found when a no-argument work was first sent to PanDA: "c1." was refused as a call name.
    String name = GridCalls.name(1, new byte[0]);
    assertThat(name).isEqualTo("c1.");
    assertThat(GridCalls.callId(name)).isEqualTo(1);
    assertThat(GridCalls.inlineArguments(name)).hasValueSatisfying(a -> assertThat(a).isEmpty());
  }

  @Test
  void largeArgumentsGoToTheCallsFile() throws Exception {
    byte[] args = new byte[GridCalls.MAX_NAME];
    String name = GridCalls.name(7, args);
    assertThat(name).isEqualTo("c7");
    assertThat(GridCalls.inlineArguments(name)).isEmpty();
    assertThat(GridCalls.fromCallsFile(GridCalls.callsFile(Map.of(7L, args)), 7)).isEqualTo(args);
  }

  @Test
  void anythingElseIsNotACallName() {
    for (String bad : new String[] {"", "c", "c-1", "c01", "x1", "c1.a b", "c1..", "c1.+/"}) {
      assertThatThrownBy(() -> GridCalls.callId(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a Taskwire call name");
    }
  }
}
