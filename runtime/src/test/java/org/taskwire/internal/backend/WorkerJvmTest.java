package org.taskwire.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker JVM's command, shared by the local and PanDA backends. */
class WorkerJvmTest {
  @Test
  void heapUnlessTheOptionsSetOneThenOptionsExitOnOomClassPathAndTheWrapper() {
    assertThat(new WorkerJvm("java", " -XX:+UseSerialGC  ", 512, List.of("a.jar", "b dir")).command(":", s -> "'" + s + "'"))
        .containsExactly("java", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr", "-cp", "'a.jar:b dir'",
            "org.taskwire.wrapper.RemoteWrapper");
    assertThat(new WorkerJvm("/opt/java", "-Xmx2g", 512, List.of("a.jar")).command(":"))
        .containsExactly("/opt/java", "-Xmx2g", "-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr", "-cp", "a.jar",
            "org.taskwire.wrapper.RemoteWrapper");
  }

  @Test
  void aJobLeavesAQuarterOfItsMemoryToTheJvmWithAFloor() {
    assertThat(WorkerJvm.heapForJob(2000)).isEqualTo(1500);
    assertThat(WorkerJvm.heapForJob(40)).isEqualTo(64);
  }
}
