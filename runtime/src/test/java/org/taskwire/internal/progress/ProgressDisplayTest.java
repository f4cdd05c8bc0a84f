package org.taskwire.internal.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  @Test
  void lineModePrintsCountsEveryIntervalAndAFinalLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ProgressDisplay display = new ProgressDisplay.Line("evaluate", 100, Duration.ZERO,
        new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      display.update(40, 2, 4, 1);
      display.update(90, 10, 0, 3);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("[taskwire] evaluate: 42/100 done, 2 failed, 4 running, 1 retried (");
    assertThat(lines[2]).startsWith("[taskwire] evaluate: 100/100 done, 10 failed, 0 running, 3 retried (");
  }

  @Test
  void lineModeStaysQuietForShortWaits() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ProgressDisplay display = new ProgressDisplay.Line("evaluate", 10, Duration.ofHours(1),
        new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      display.update(10, 0, 0, 0);
    }
    assertThat(bytes.size()).isZero();
  }
}
