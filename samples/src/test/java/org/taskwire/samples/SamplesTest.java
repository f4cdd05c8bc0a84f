package org.taskwire.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The samples as a user runs them, through the command line. */
@Timeout(180)
class SamplesTest {

  private static SampleRun run(String... args) {
    return SampleRun.of(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "local"})
  void hpoWithDefaultsFindsTheOptimum(String backend) throws Exception {
    SampleRun r = run("hpo", "--json", "--backend", backend, "--workers", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("best_value").asDouble()).isLessThan(1e-3);
    assertThat(json.get("best_parameters").get("x").asDouble()).isBetween(0.45, 0.55);
    assertThat(json.get("best_parameters").get("y").asDouble()).isBetween(0.45, 0.55);
    assertThat(json.get("evaluations").asInt()).isEqualTo(80);
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "two-step", "global", "datasets"})
  void aid2eExamplesReachTheTutorialsOptimumOnLocalWorkers(String example) throws Exception {
    SampleRun r = run("aid2e", "--example", example, "--json", "--workers", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("aid2e " + example + ": 80 design points, 10 at a time, on backend local");
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("best_value").asDouble()).isLessThan(1e-3);
    assertThat(json.get("best_parameters").get("x").asDouble()).isBetween(0.45, 0.55);
    assertThat(json.get("best_parameters").get("y").asDouble()).isBetween(0.45, 0.55);
    assertThat(json.get("evaluations").asInt()).isEqualTo(80);
    assertThat(json.get("failures").asInt()).isZero();
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts",
      disabledReason = org.taskwire.testing.xrootd.XrootdStorage.NOT_HERE)
  void aid2eDatasetsRegistersEachStepsFilesInRucio() throws Exception {
    var rse = org.taskwire.testing.rucio.RucioEmulator.StorageElement.at("XRD1",
        java.net.URI.create(org.taskwire.testing.xrootd.XrootdStorage.ROOT_DOOR + "rucio-samples/"),
        java.net.URI.create(org.taskwire.testing.xrootd.XrootdStorage.HTTP_DOOR + "rucio-samples/"));
    try (var rucio = org.taskwire.testing.rucio.RucioEmulator.start(
        org.taskwire.testing.rucio.RucioEmulator.Settings.defaults(rse))) {
      SampleRun r = run("aid2e", "--example", "datasets", "--json", "--workers", "2", "--trials", "12",
          "--set", "taskwire.rucio.url=" + rucio.url(), "--set", "taskwire.rucio.account=taskwire",
          "--set", "taskwire.rucio.password=secret", "--set", "taskwire.rucio.rse=XRD1");
      assertThat(r.exitCode()).as(r.err()).isZero();
      List<String> lines = r.out().lines().toList();
      JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertThat(json.get("evaluations").asInt()).isEqualTo(12);
      assertThat(json.get("failures").asInt()).isZero();
      // A dataset per design point and grid point, as the tutorial's #global_parameter_key.#job_id:
      // 12 design points × 4 grid points, each with its 200 events in 2 jobs of 100.
      List<String> datasets = rucio.collections("user.taskwire");
      assertThat(datasets).hasSize(48).allMatch(d -> d.matches(
          "[0-9a-f]{32}\\.simrecoEvents\\.particle-(piplus|kaonplus)_eta-0\\.[12]\\.x[0-9.E-]+_y[0-9.E-]+"));
      java.util.Set<String> files = new java.util.HashSet<>();
      for (String dataset : datasets) {
        List<String> names = rucio.files("user.taskwire", dataset);
        assertThat(names).as(dataset).hasSize(2)
            .allMatch(n -> n.matches("[0-9a-f]{32}\\.simrecoEvents\\._\\d{6}\\.1\\.my_test\\.txt"));
        files.addAll(names);
        assertThat(rucio.isOpen("user.taskwire", dataset)).as("closed: the run ended complete").isFalse();
      }
      assertThat(files).as("each file once").hasSize(96);
    }
  }

  @Test
  void aid2eReportsADesignPointWhoseSimulationFailedForOneGridPointAndGoesOn() throws Exception {
    SampleRun r = run("aid2e", "--example", "global", "--json", "--workers", "2", "--fail-above", "0.8");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("failed: work merge did not run (DEPENDENCY_FAILED): its input xyz",
        "1 of 4 calls of simreco failed", "for key GridPoint[particle=kaon+, eta=0.2]",
        "kaon+ at eta=0.2: no track reaches the RICH");
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    int failures = json.get("failures").asInt();
    assertThat(failures).isPositive();
    assertThat(json.get("evaluations").asInt() + failures).as("every design point is reported").isEqualTo(80);
    assertThat(r.out().lines().filter(l -> l.contains("failed: work merge")).count()).isEqualTo(failures);
    assertThat(json.get("best_value").asDouble()).isLessThan(1e-3);
  }

  @Test
  void aid2eRefusesAnUnknownExample() {
    SampleRun r = run("aid2e", "--example", "triple");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown example triple; choose simple, two-step, global or datasets");
  }

  @Test
  void hpoRunsFromASandbox(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) throws Exception {
    SampleRun r = run("hpo", "--json", "--trials", "16", "--parallel", "4", "--workers", "2", "--set", "taskwire.local.sandbox=true",
        "--set", "taskwire.sandbox.cache-dir=" + cache);
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("best_value").asDouble()).isLessThan(1e-2);
    try (var files = java.nio.file.Files.list(cache)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("sources."));
    }
  }

  @Test
  void moboBuildsTheParetoFrontOfDtlz2AndDrawsIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path plots)
      throws Exception {
    SampleRun r = run("mobo", "--problem", "dtlz2", "--trials", "30", "--parallel", "4", "--backend", "inprocess",
        "--json", "--plots", plots.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("mobo dtlz2 with ehvi: 30 trials, 4 at a time, on backend inprocess", "Pareto front: ");
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("evaluations").asInt()).isEqualTo(30);
    assertThat(json.get("hypervolume").asDouble()).isBetween(0.0, 1.21 - Math.PI / 4);
    assertThat(json.get("pareto_set")).isNotEmpty().allSatisfy(p -> {
      double f1 = p.get("objectives").get("f1").asDouble();
      double f2 = p.get("objectives").get("f2").asDouble();
      // DTLZ2's values lie on or outside the unit quarter circle, its front.
      assertThat(f1 * f1 + f2 * f2).isGreaterThanOrEqualTo(1 - 1e-9);
    });
    for (String png : List.of("pareto.png", "hypervolume.png", "hypervolume-gap.png")) {
      assertThat(javax.imageio.ImageIO.read(plots.resolve(png).toFile())).as(png).isNotNull();
    }
    assertThat(plots.resolve("trials.csv")).exists();
  }

  @Test
  void moboRunsTheDetectorStudyAgainstItsCostOnLocalWorkers() throws Exception {
    SampleRun r = run("mobo", "--problem", "aid2e", "--optimizer", "nsga2", "--trials", "24", "--parallel", "4",
        "--workers", "2", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("evaluations").asInt()).isEqualTo(24);
    assertThat(json.get("pareto_set")).isNotEmpty().allSatisfy(p -> {
      JsonNode x = p.get("parameters");
      assertThat(p.get("objectives").get("cost").asDouble()).isCloseTo(x.get("x").asDouble() + x.get("y").asDouble(),
          org.assertj.core.data.Offset.offset(1e-12));
    });
    assertThat(json.get("hypervolume").asDouble()).isPositive();
    SampleRun bad = run("mobo", "--problem", "zdt1");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown problem zdt1; choose dtlz2 or aid2e");
  }

  @Test
  void helloGreetsFromWorkerProcesses() {
    SampleRun r = run("hello", "--workers", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("backend: local", "Hello, world, from process", "Barbara -> Hello, Barbara");
    assertThat(r.out()).doesNotContain("from process " + ProcessHandle.current().pid() + "\n");
    assertThat(r.err()).as("the embedded broker is quiet").doesNotContain("BrokerService", "TransportConnector",
        "ActiveMQ");
  }

  /** {@code --ui}: the run's dashboard, served from the sample's client, its address printed once. */
  @Test
  void uiServesTheRunsDashboardAndSaysWhere(@org.junit.jupiter.api.io.TempDir java.nio.file.Path runs) {
    SampleRun r = run("hello", "--ui", "--backend", "inprocess", "--set", "taskwire.runs-dir=" + runs);
    assertThat(r.exitCode()).as(r.err()).isZero();
    java.util.regex.Matcher address = java.util.regex.Pattern
        .compile("taskwire: the dashboard of run (\\w+): http://127\\.0\\.0\\.1:\\d+/runs/(\\w+)\\?token=\\w+")
        .matcher(r.err());
    assertThat(address.find()).as(r.err()).isTrue();
    assertThat(address.group(2)).isEqualTo(address.group(1));
    assertThat(runs.resolve(address.group(1))).as("the run it serves").isDirectory();
    assertThat(r.err()).as("the web server is quiet").doesNotContain("Javalin", "Jetty");
  }

  @Test
  void helpListsTheSamples() {
    SampleRun r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("hello", "hpo", "aid2e", "mobo");
  }

  @Test
  void badOptionsGetAClearErrorNotAStackTrace() {
    SampleRun unknownBackend = run("hpo", "--backend", "grid");
    assertThat(unknownBackend.exitCode()).isEqualTo(1);
    assertThat(unknownBackend.err()).contains("error: taskwire.backend = 'grid' (from code): expected one of")
        .doesNotContain("\tat ");
    SampleRun badNumber = run("hpo", "--parallel", "0");
    assertThat(badNumber.exitCode()).isEqualTo(2);
    assertThat(badNumber.err()).contains("--trials and --parallel must be at least 1");
  }
}
