package org.taskwire.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the end-to-end scenarios one after another on this machine, merges the JMH and peer
 * figures that {@code run.sh} measured before, and writes {@code latest.json} and the table of
 * {@code BENCHMARKS.md}. Warm-up is excluded from every figure.
 */
@Command(name = "harness", mixinStandardHelpOptions = true,
    description = "Runs Taskwire's end-to-end benchmark scenarios and writes the report.")
final class Harness implements Callable<Integer> {
  static final List<String> SCENARIOS = List.of("latency", "memory", "fanin", "relay", "cold", "sandbox", "panda",
      "journal", "steps", "dag", "staging", "rucio", "slurm", "optimizers");

  @Option(names = "--quick", description = "Run each scenario once, briefly (CI); figures are not meaningful.")
  boolean quick;

  @Option(names = "--only", split = ",", paramLabel = "SCENARIO",
      description = "Run only these scenarios: ${COMPLETION-CANDIDATES}", completionCandidates = Candidates.class)
  List<String> only;

  @Option(names = "--samples-classpath", paramLabel = "FILE", required = true,
      description = "A file holding the samples' runtime class path, for the sandbox scenarios.")
  Path samplesClasspath;

  @Option(names = "--jmh", paramLabel = "FILE", description = "JMH's JSON results to include.")
  Path jmh;

  @Option(names = "--peers", paramLabel = "FILE", description = "The peers' JSON figures (peers.py) to include.")
  Path peers;

  @Option(names = "--optimizer-peers", paramLabel = "FILE",
      description = "Optuna's rows on the optimisers' problems (optimizer_peers.py) to include.")
  Path optimizerPeers;

  @Option(names = "--results", paramLabel = "DIR", required = true, description = "Where latest.json goes.")
  Path results;

  @Option(names = "--markdown", paramLabel = "FILE",
      description = "The BENCHMARKS.md whose figures table is replaced (between its markers).")
  Path markdown;

  @Option(names = "--work", paramLabel = "DIR", required = true, description = "Scratch space.")
  Path work;

  static final class Candidates extends ArrayList<String> {
    Candidates() {
      super(SCENARIOS);
    }
  }

  /** Progress lines on standard error, with the time since the harness started. */
  static final class Log {
    private final long start = System.nanoTime();

    void say(String format, Object... args) {
      System.err.printf("[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, String.format(format, args));
    }
  }

  static int run(String... args) {
    return new CommandLine(new Harness()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    Set<String> chosen = new LinkedHashSet<>(only == null ? SCENARIOS : only);
    for (String s : chosen) {
      if (!SCENARIOS.contains(s)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario '" + s + "'; choose from " + SCENARIOS);
      }
    }
    Plan plan = quick ? Plan.QUICK : Plan.FULL;
    Log log = new Log();
    Files.createDirectories(work);
    List<Figure> figures = new ArrayList<>();
    if (chosen.contains("latency")) {
      figures.addAll(LocalScenarios.latencyAndFanout(plan, log));
      for (int batch : List.of(1, 8, 64)) {
        figures.add(LocalScenarios.fanoutWithBatch(plan, batch, log));
      }
    }
    if (chosen.contains("memory")) {
      figures.add(LocalScenarios.clientMemory("client_memory", plan.outstandingCalls(), log));
      figures.add(LocalScenarios.clientMemory("client_memory_1m", plan.quick() ? plan.outstandingCalls() : 1_000_000, log));
    }
    if (chosen.contains("fanin")) {
      figures.add(TransportScenarios.resultFanIn(plan, 4, 32, "result_fanin", log));
      figures.add(TransportScenarios.resultFanIn(plan, 4, 1, "result_fanin_unbatched", log));
    }
    if (chosen.contains("relay")) {
      figures.add(TransportScenarios.relayLatency(plan, log));
    }
    if (chosen.contains("cold")) {
      Path cold = work.resolve("cold");
      figures.add(ColdJob.bareJvm(plan, cold, log));
      figures.add(ColdJob.run(plan, "cold_job", List.of(), cold, log));
      figures.add(ColdJob.classes(cold, log));
      // What the JVM's own start-up options would give: C1 only; and the class-data archive that
      // Slurm jobs and pilots share (taskwire.slurm.class-data), made by the first job at its exit.
      figures.add(ColdJob.run(plan, "cold_job_c1", List.of("-XX:TieredStopAtLevel=1"), cold, log));
      figures.add(ColdJob.withSharedArchive(plan, "cold_job_appcds", cold, log));
    }
    if (chosen.contains("sandbox")) {
      figures.addAll(SandboxScenarios.run(plan, Files.readString(samplesClasspath).strip(), work, log));
    }
    if (chosen.contains("panda")) {
      figures.add(PandaSubmit.run(plan, work, log));
    }
    if (chosen.contains("journal")) {
      figures.addAll(JournalScenarios.fanoutOnAndOff(plan, work.resolve("runs"), log));
      figures.add(JournalScenarios.resumeFinished(plan, work.resolve("runs"), log));
    }
    if (chosen.contains("steps")) {
      figures.addAll(PipelineScenarios.threeSteps(plan, log));
    }
    if (chosen.contains("dag")) {
      figures.addAll(PipelineScenarios.designPointDag(plan, log));
    }
    if (chosen.contains("staging")) {
      figures.addAll(StagingScenarios.run(plan, work, log));
    }
    if (chosen.contains("rucio")) {
      figures.addAll(RucioScenarios.run(plan, work, log));
    }
    if (chosen.contains("slurm")) {
      figures.addAll(SlurmScenarios.jobsBesideLocal(plan, work, log));
    }
    List<OptimizerScenarios.Row> optimizerRows = List.of();
    List<Figure> askTimes = List.of();
    if (chosen.contains("optimizers")) {
      askTimes = OptimizerScenarios.askTimes(plan, log);
      optimizerRows = OptimizerScenarios.run(plan, log);
    }
    Report report = new Report(quick, figures);
    report.addOptimizers(optimizerRows, askTimes);
    if (optimizerPeers != null && Files.exists(optimizerPeers)) {
      report.addOptimizerPeers(optimizerPeers);
    }
    if (jmh != null && Files.exists(jmh)) {
      report.addJmh(jmh);
    }
    if (peers != null && Files.exists(peers)) {
      report.addPeers(peers);
    }
    report.writeJson(results.resolve("latest.json"));
    if (markdown != null) {
      report.writeMarkdown(markdown);
    }
    log.say("wrote %s", results.resolve("latest.json"));
    System.out.print(report.table());
    return 0;
  }
}
