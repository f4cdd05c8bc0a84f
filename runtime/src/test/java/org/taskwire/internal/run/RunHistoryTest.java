package org.taskwire.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.Definitions;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.transport.message.ResultIdentity;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/** A run's history across a resume: its keys, its code versions, and its result keys kept. */
class RunHistoryTest {
  @TempDir Path dir;

  private static WorkflowDefinition pinned(String version) {
    WorkDefinition<Definitions.NameArgs, String> greet = Definitions.GREET.withVersion(version);
    WorkDefinition<Definitions.ScaleArgs, List<Definitions.Point>> scale = Definitions.SCALE.withVersion(version);
    return WorkflowDefinition.of("demo.Geometry", "geometry", JobOptions.NONE, List.of(), List.of(scale, greet));
  }

  private RunHistory open(WorkflowDefinition workflow, Map<String, String> values) {
    Map<String, String> code = new HashMap<>(values);
    code.put("taskwire.runs-dir", dir.toString());
    TaskwireConfig config = TaskwireConfig.load(new TaskwireConfig.Sources(getClass().getClassLoader(),
        dir.resolve("home"), Map.of(), new Properties()), workflow, code, Backends.configKeys());
    return RunHistory.open(config, workflow, "inprocess", getClass().getClassLoader());
  }

  private static String greetKey(RunHistory history, WorkflowDefinition workflow, String name) {
    return history.key(workflow, workflow.works().get(1), "kryo", new Definitions.NameArgs(name));
  }

  @Test
  void aResumedRunFindsItsCallsKeepsItsResultKeysAndNumbersNewCallsAfterTheOld() {
    WorkflowDefinition v1 = pinned("1");
    String id;
    String key;
    ResultIdentity identity;
    try (RunHistory history = open(v1, Map.of())) {
      id = history.runId();
      key = greetKey(history, v1, "ada");
      assertThat(greetKey(history, v1, "ada")).as("a second identical call is another occurrence").isNotEqualTo(key);
      history.journal().declared(1, key, Definitions.GREET.id(), 1, java.util.List.of());
      history.journal().succeeded(1, 1, "kryo", new byte[] {7});
      identity = history.identity();
    }
    try (RunHistory again = open(v1, Map.of("taskwire.resume", id.substring(0, 10)))) {
      assertThat(again.resumes()).isTrue();
      assertThat(again.runId()).isEqualTo(id);
      assertThat(again.identity().route()).as("late messages still reach it").isEqualTo(identity.route());
      assertThat(again.identity().key().toBase64()).as("and still verify").isEqualTo(identity.key().toBase64());
      assertThat(again.recorded(greetKey(again, v1, "ada")).success().result()).containsExactly(7);
      assertThat(again.recorded(greetKey(again, v1, "bob"))).isNull();
      assertThat(again.callIdsUsed()).isEqualTo(1);
    }
  }

  @Test
  void aChangedPinnedVersionIsRefusedUnlessThePolicyIsNone() {
    WorkflowDefinition v1 = pinned("1");
    String id;
    String key;
    try (RunHistory history = open(v1, Map.of())) {
      id = history.runId();
      key = greetKey(history, v1, "ada");
      history.journal().declared(1, key, Definitions.GREET.id(), 1, java.util.List.of());
    }
    WorkflowDefinition v2 = pinned("2");
    assertThatThrownBy(() -> open(v2, Map.of("taskwire.resume", id)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the code of demo.Geometry changed since run " + id)
        .hasMessageContaining("scale, greet have code version pinned:2, not pinned:1")
        .hasMessageContaining("taskwire.code-version=none");
    try (RunHistory accepted = open(v2, Map.of("taskwire.resume", id, "taskwire.code-version", "none"))) {
      assertThat(greetKey(accepted, v2, "ada")).as("keyed with the recorded version").isEqualTo(key);
    }
    try (RunHistory same = open(pinned("1"), Map.of("taskwire.resume", id))) {
      assertThat(greetKey(same, v1, "ada")).isEqualTo(key);
    }
  }

  @Test
  void withoutAJournalThereIsNothingToResume() {
    try (RunHistory off = open(pinned("1"), Map.of("taskwire.journal", "false"))) {
      assertThat(off.journal().isOn()).isFalse();
      assertThat(off.runId()).hasSize(32);
    }
    assertThatThrownBy(() -> open(pinned("1"), Map.of("taskwire.journal", "false", "taskwire.resume", "last")))
        .hasMessageContaining("taskwire.resume needs the run's journal");
  }

  /**
   * A study's run file: the first start writes the new run's id to it; a later start resumes that
   * run even though another run began since (which {@code last} would have taken).
   */
  @Test
  void aRunFileNamesItsOwnRunWhateverRunsBeganSince() throws Exception {
    Path runFile = dir.resolve("study").resolve("run");
    String id;
    try (RunHistory first = open(pinned("1"), Map.of("taskwire.run-file", runFile.toString()))) {
      id = first.runId();
      assertThat(first.resumes()).isFalse();
    }
    assertThat(java.nio.file.Files.readString(runFile).strip()).isEqualTo(id);
    String other;
    try (RunHistory newer = open(pinned("1"), Map.of())) {
      other = newer.runId();
    }
    try (RunHistory again = open(pinned("1"), Map.of("taskwire.run-file", runFile.toString()))) {
      assertThat(again.resumes()).isTrue();
      assertThat(again.runId()).as("its own run, not the newer %s", other).isEqualTo(id);
    }
    assertThatThrownBy(() -> open(pinned("1"), Map.of("taskwire.run-file", runFile.toString(), "taskwire.resume",
        other))).isInstanceOf(ConfigurationException.class).hasMessageContaining("name different runs; set one of them");
    java.nio.file.Files.writeString(runFile, "\n");
    assertThatThrownBy(() -> open(pinned("1"), Map.of("taskwire.run-file", runFile.toString())))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("holds no run id")
        .hasMessageContaining("delete it to start a new run");
    assertThatThrownBy(() -> open(pinned("1"), Map.of("taskwire.journal", "false", "taskwire.run-file",
        runFile.toString()))).hasMessageContaining("taskwire.run-file needs the run's journal");
  }
}
