package org.taskwire.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.Definitions;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.backend.inprocess.InProcessBackendProvider;
import org.taskwire.internal.backend.local.LocalBackendProvider;
import org.taskwire.annotations.Codec;
import org.taskwire.spi.JobOptions;

class TaskwireConfigTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final Properties system = new Properties();

  private Path classpathDir() throws IOException {
    return Files.createDirectories(dir.resolve("classpath"));
  }

  private Path home() throws IOException {
    return Files.createDirectories(dir.resolve("home"));
  }

  private TaskwireConfig load(Map<String, String> code) throws IOException {
    ClassLoader loader = new URLClassLoader(new URL[] {classpathDir().toUri().toURL()}, null);
    return TaskwireConfig.load(new TaskwireConfig.Sources(loader, home(), env, system), Definitions.GEOMETRY, code,
        Backends.configKeys());
  }

  private void classpathFile(String content) throws IOException {
    Files.writeString(classpathDir().resolve("taskwire.properties"), content);
  }

  private void homeFile(String content) throws IOException {
    Path file = home().resolve(".taskwire").resolve("config.properties");
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @Test
  void eachLayerOverridesTheOneBelow() throws IOException {
    classpathFile("taskwire.local.workers=1\ntaskwire.inprocess.threads=1\ntaskwire.progress=off\n"
        + "taskwire.queue=from-classpath\ntaskwire.site=from-classpath\n");
    homeFile("taskwire.local.workers=2\ntaskwire.inprocess.threads=2\ntaskwire.queue=from-home\n");
    env.put("TASKWIRE_LOCAL_WORKERS", "3");
    env.put("TASKWIRE_INPROCESS_THREADS", "3");
    system.setProperty("taskwire.local.workers", "4");
    TaskwireConfig config = load(Map.of("taskwire.local.workers", "5"));

    assertThat(config.get(LocalBackendProvider.WORKERS)).isEqualTo(5);
    assertThat(config.value("taskwire.local.workers").orElseThrow().source()).isEqualTo("code");
    assertThat(config.get(InProcessBackendProvider.THREADS)).isEqualTo(3);
    assertThat(config.value("taskwire.inprocess.threads").orElseThrow().source())
        .isEqualTo("environment variable TASKWIRE_INPROCESS_THREADS");
    assertThat(config.get(ConfigKey.PROGRESS)).isEqualTo("off");
    JobOptions options = config.jobOptions(Definitions.GEOMETRY, Definitions.GREET);
    assertThat(options.queue()).isEqualTo("from-home");
    assertThat(options.site()).isEqualTo("from-classpath");
  }

  @Test
  void annotationsInheritAndConfigurationOverridesThem() throws IOException {
    TaskwireConfig plain = load(Map.of());
    JobOptions scale = plain.jobOptions(Definitions.GEOMETRY, Definitions.SCALE);
    assertThat(scale.cores()).as("from @Work").isEqualTo(4);
    assertThat(scale.memoryMb()).as("from @Workflow").isEqualTo(3000);
    assertThat(scale.maxAttempts()).as("from @Workflow").isEqualTo(2);
    assertThat(scale.walltime()).as("built in").isEqualTo(Duration.ofHours(24));
    assertThat(scale.codec()).as("built in").isEqualTo(Codec.KRYO);

    TaskwireConfig configured = load(Map.of("taskwire.cores", "8", "taskwire.work.scale.cores", "16",
        "taskwire.walltime", "90m", "taskwire.work.greet.codec", "json"));
    assertThat(configured.jobOptions(Definitions.GEOMETRY, Definitions.SCALE).cores()).isEqualTo(16);
    assertThat(configured.jobOptions(Definitions.GEOMETRY, Definitions.GREET).cores()).isEqualTo(8);
    assertThat(configured.jobOptions(Definitions.GEOMETRY, Definitions.SCALE).walltime()).isEqualTo(Duration.ofMinutes(90));
    assertThat(configured.jobOptions(Definitions.GEOMETRY, Definitions.GREET).codec()).isEqualTo(Codec.JSON);
    assertThat(configured.jobOptions(Definitions.GEOMETRY, Definitions.SCALE).codec()).isEqualTo(Codec.KRYO);
  }

  @Test
  void perWorkKeysHaveAnEnvironmentForm() throws IOException {
    env.put("TASKWIRE_WORK_SCALE_MAX_ATTEMPTS", "7");
    assertThat(load(Map.of()).jobOptions(Definitions.GEOMETRY, Definitions.SCALE).maxAttempts()).isEqualTo(7);
  }

  @Test
  void unknownKeySuggestsTheNearestOne() {
    system.setProperty("taskwire.bakend", "local");
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("unknown configuration key taskwire.bakend (from system property); did you mean taskwire.backend?");
  }

  @Test
  void unknownWorkInAPerWorkKeyListsTheWorks() {
    assertThatThrownBy(() -> load(Map.of("taskwire.work.rotate.cores", "2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("taskwire.work.rotate.cores (from code)")
        .hasMessageContaining("[scale, greet]");
  }

  @Test
  void aWorkMayNameABackendOfItsOwnAmongThoseOnTheClassPath() throws IOException {
    assertThat(load(Map.of("taskwire.work.greet.backend", "inprocess", "taskwire.work.scale.cores", "2",
        "taskwire.backend", "local")).workBackends()).isEqualTo(Map.of("greet", "inprocess"));
    assertThatThrownBy(() -> load(Map.of("taskwire.work.greet.backend", "grid")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("taskwire.work.greet.backend = 'grid' (from code): expected one of [")
        .hasMessageContaining("inprocess");
    assertThatThrownBy(() -> load(Map.of("taskwire.work.rotate.backend", "local")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("backend]");
  }

  @Test
  void malformedValueNamesKeyValueAndSource() throws IOException {
    homeFile("taskwire.local.workers=many\n");
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("taskwire.local.workers = 'many' (from ")
        .hasMessageContaining("config.properties): expected a positive integer");
  }

  @Test
  void badChoiceAndDuration() {
    assertThatThrownBy(() -> load(Map.of("taskwire.backend", "slurmm")))
        .hasMessage("taskwire.backend = 'slurmm' (from code): expected one of [local, inprocess, panda, slurm]");
    assertThatThrownBy(() -> load(Map.of("taskwire.walltime", "soon")))
        .hasMessageContaining("taskwire.walltime = 'soon' (from code): expected a duration");
  }

  @Test
  void unreadablePropertiesFileIsNamed() throws IOException {
    classpathFile("taskwire.queue=\\uZZZZ\n");
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot read")
        .hasMessageContaining("taskwire.properties");
  }

  @Test
  void unknownEnvironmentVariablesAreIgnoredNotFatal() throws IOException {
    env.put("TASKWIRE_NOT_A_KEY", "x");
    env.put("PATH", "/bin");
    assertThat(load(Map.of()).get(ConfigKey.BACKEND)).isEqualTo("local");
  }

  @Test
  void aKeyNobodySetsReadsAsTheDefaultItDocuments() throws IOException {
    TaskwireConfig config = load(Map.of());
    int literal = 0;
    List<ConfigKey<?>> every = new java.util.ArrayList<>(ConfigKey.ALL);
    every.addAll(Backends.configKeys());
    for (ConfigKey<?> key : every) {
      // Literal defaults (32, 10s, auto) are stated once and read back; described ones ("number of cores") are worked out.
      if (key.type() != ConfigKey.Type.STRING && key.check(key.defaultValue()) == null) {
        assertThat(config.get(key)).as(key.name()).isEqualTo(key.read(key.defaultValue()));
        literal++;
      }
    }
    assertThat(literal).isGreaterThan(10);
    assertThat(config.get(LocalBackendProvider.WORKERS)).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.get(ConfigKey.PROGRESS_INTERVAL)).isEqualTo(java.time.Duration.ofSeconds(10));
  }
}
