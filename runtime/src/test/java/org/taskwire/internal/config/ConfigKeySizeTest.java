package org.taskwire.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigKeySizeTest {
  @Test
  void aSizeIsBytesOrAPowerOf1024Unit() {
    assertThat(ConfigKey.bytes("4")).isEqualTo(4);
    assertThat(ConfigKey.bytes("1048576")).isEqualTo(1 << 20);
    assertThat(ConfigKey.bytes("512M")).isEqualTo(512L << 20);
    assertThat(ConfigKey.bytes("2g")).isEqualTo(2L << 30);
    assertThat(ConfigKey.bytes(" 10 KB ")).isEqualTo(10L << 10);
    assertThat(ConfigKey.bytes("1T")).isEqualTo(1L << 40);
    for (String bad : new String[] {"", "0", "-1", "lots", "1.5G", "9999999999T"}) {
      assertThatThrownBy(() -> ConfigKey.bytes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ConfigKey.DATA_MAX_FILE_SIZE.check("lots")).contains("expected a positive size");
    assertThat(ConfigKey.DATA_MAX_FILE_SIZE.check("10G")).isNull();
  }
}
