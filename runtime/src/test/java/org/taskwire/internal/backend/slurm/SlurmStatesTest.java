package org.taskwire.internal.backend.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.batch.BatchSystem.Phase;
import org.taskwire.internal.run.FailureTable;
import org.taskwire.spi.JobOptions;

/** What each Slurm job state means for its call, and Slurm's time format. */
class SlurmStatesTest {
  private static final JobOptions OPTIONS = JobOptions.builder().memoryMb(512).walltime(Duration.ofMinutes(10)).build();

  @ParameterizedTest
  @CsvSource({
      "PENDING, WAITING, ", "CONFIGURING, WAITING, ", "REQUEUED, WAITING, ", "SUSPENDED, WAITING, ",
      "RUNNING, RUNNING, ", "COMPLETING, RUNNING, ",
      "COMPLETED, FINISHED, ",
      "CANCELLED, CANCELLED, BACKEND",
      "TIMEOUT, FAILED, WORKER_LOST", "DEADLINE, FAILED, WORKER_LOST",
      "OUT_OF_MEMORY, FAILED, BACKEND",
      "FAILED, FAILED, WORKER_LOST", "NODE_FAIL, FAILED, WORKER_LOST", "BOOT_FAIL, FAILED, WORKER_LOST",
      "PREEMPTED, FAILED, WORKER_LOST"})
  void eachStateMeansAPhaseAndAFailureKind(String state, Phase phase, FailureKind kind) {
    SlurmSystem.Outcome outcome = SlurmSystem.outcome(state, "Slurm job 7_1 " + state, OPTIONS);
    assertThat(outcome.phase()).isEqualTo(phase);
    if (kind == null) {
      assertThat(outcome.failure()).isNull();
    } else {
      assertThat(FailureTable.classify(outcome.failure()).kind()).isEqualTo(kind);
      assertThat(outcome.failure().error().message()).startsWith("Slurm job 7_1 " + state);
    }
  }

  @Test
  void theMessagesSayWhatToChange() {
    assertThat(SlurmSystem.outcome("OUT_OF_MEMORY", "Slurm job 7_1 OUT_OF_MEMORY", OPTIONS).failure().error().message())
        .contains("exceeded its memory of 512 MB (--mem); raise memoryMb");
    assertThat(SlurmSystem.outcome("TIMEOUT", "Slurm job 7_1 TIMEOUT", OPTIONS).failure().error().message())
        .contains("exceeded its walltime of PT10M (--time)");
    assertThat(FailureKind.BACKEND.retryable()).as("out of memory is not retried blindly").isFalse();
  }

  @Test
  void walltimeIsWrittenAsDaysHoursMinutesSecondsRoundedUp() {
    assertThat(SlurmJobs.time(Duration.ofSeconds(2))).isEqualTo("0-00:00:02");
    assertThat(SlurmJobs.time(Duration.ofMinutes(90))).isEqualTo("0-01:30:00");
    assertThat(SlurmJobs.time(Duration.ofDays(2).plusSeconds(61).plusMillis(1))).isEqualTo("2-00:01:02");
  }
}
