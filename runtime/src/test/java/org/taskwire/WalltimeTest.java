package org.taskwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.taskwire.annotations.Walltime;

class WalltimeTest {
  @ParameterizedTest
  @CsvSource({"90m,5400", "1h30m,5400", "2d,172800", "3600s,3600", "PT1H30M,5400", "pt10s,10", " 45m ,2700"})
  void parses(String text, long seconds) {
    assertThat(Walltime.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ten minutes", "0m", "-5m", "5", "PTxyz", "1x"})
  void rejects(String text) {
    assertThatThrownBy(() -> Walltime.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed walltime '" + text + "'");
  }
}
