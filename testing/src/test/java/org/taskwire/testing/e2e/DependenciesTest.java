package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What Taskwire's artifacts put on a user's class path. This module depends on the runtime, the
 * remote wrapper and the testing kit as a user's project does, so its class path is theirs.
 */
class DependenciesTest {
  @Test
  void noLoggingBindingIsForcedOnUsers() {
    assertThat(ClassLoader.getSystemResource("org/slf4j/simple/SimpleLogger.class"))
        .as("slf4j-simple must not reach users through taskwire-remote-wrapper").isNull();
    assertThat(ClassLoader.getSystemResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))
        .as("no SLF4J provider at all").isNull();
  }

  @Test
  void noGplLibraryComesWithTheOptimisers() {
    assertThat(ClassLoader.getSystemResource("org/uma/jmetal/operator/crossover/impl/SBXCrossover.class"))
        .as("jMetal is on the class path through taskwire-optimize").isNotNull();
    assertThat(ClassLoader.getSystemResource("weka/core/Instances.class"))
        .as("Weka (GPL-3) must not reach users through jMetal").isNull();
  }
}
