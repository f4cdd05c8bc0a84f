package org.taskwire.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.taskwire.TaskwireException;
import org.taskwire.WorkflowRun;
import org.taskwire.optimize.Hypervolume;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.StudyReport;
import org.taskwire.optimize.TrialRecord;
import org.taskwire.optimize.TrialStatus;
import org.taskwire.samples.aid2e.DesignStudy;
import org.taskwire.samples.aid2e.DetectorStudyTasks;
import org.taskwire.samples.hello.Hello;
import org.taskwire.samples.hello.HelloTasks;
import org.taskwire.samples.hpo.Hpo;
import org.taskwire.samples.hpo.HpoTasks;
import org.taskwire.samples.mobo.Mobo;
import org.taskwire.samples.mobo.MoboTasks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar taskwire-samples.jar <sample>}: runs one of the sample workflows. */
@Command(name = "taskwire-samples", mixinStandardHelpOptions = true,
    description = "Runs a Taskwire sample workflow. Configuration keys (taskwire.*) come from "
        + "taskwire.properties, ~/.taskwire/config.properties, TASKWIRE_* variables and -D options.",
    subcommands = {Samples.HelloCommand.class, Samples.HpoCommand.class, Samples.Aid2eCommand.class,
        Samples.MoboCommand.class})
public final class Samples implements Runnable {

  /** Options every sample takes. */
  static final class Backend {
    @Option(names = "--backend", paramLabel = "NAME", description = "local (worker JVMs), inprocess, panda (PanDA, see taskwire.panda.*) or slurm (see taskwire.slurm.*); "
        + "default: taskwire.backend, else local.")
    String backend;

    @Option(names = "--workers", paramLabel = "N", description = "Local worker JVMs; default: one per core.")
    Integer workers;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Any configuration key, e.g. --set taskwire.local.sandbox=true.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--ui", description = "Serve the run's dashboard while it runs, and print its address "
        + "(taskwire.ui=true).")
    boolean ui;

    WorkflowRun.Builder apply(WorkflowRun.Builder builder) {
      settings.forEach(builder::set);
      if (ui) builder.set("taskwire.ui", "true");
      if (backend != null) builder.backend(backend);
      if (workers != null) builder.set("taskwire.local.workers", String.valueOf(workers));
      return builder;
    }
  }

  @Command(name = "hello", mixinStandardHelpOptions = true, description = "Greets from worker processes.")
  static final class HelloCommand implements Runnable {
    @Mixin Backend backend;

    @Override
    public void run() {
      Hello.run(backend.apply(HelloTasks.builder()));
    }
  }

  /** The budget and parallelism of an optimisation study. */
  static final class Budget {
    @Option(names = "--trials", defaultValue = "80", paramLabel = "N",
        description = "Trials (points) evaluated in all (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--parallel", defaultValue = "10", paramLabel = "Q",
        description = "Trials in flight at once; a new one is proposed as each ends (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    void check(Object command) {
      if (trials < 1 || parallel < 1) {
        throw new CommandLine.ParameterException(new CommandLine(command), "--trials and --parallel must be at least 1");
      }
    }
  }

  @Command(name = "hpo", mixinStandardHelpOptions = true,
      description = "Minimises (x-0.5)^2 + (y-0.5)^2 on [0,1]^2 by Bayesian optimisation, keeping --parallel points "
          + "in flight, each evaluated as a job.")
  static final class HpoCommand implements Callable<Integer> {
    @Mixin Backend backend;
    @Mixin Budget budget;

    @Option(names = "--json", description = "End with one JSON line holding best_parameters and best_value.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      budget.check(this);
      long started = System.nanoTime();
      BestPoint best;
      try (WorkflowRun run = backend.apply(HpoTasks.builder()).start()) {
        System.out.println("hpo: " + budget.trials + " points, " + budget.parallel + " at a time, on backend "
            + run.backendName());
        best = Hpo.optimise(budget.trials, budget.parallel, budget.seed, System.out::println);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "best value %.3g at x=%.5f y=%.5f after %d evaluations (%d failed) in %.1f s%n",
          best.value(), best.x(), best.y(), best.evaluations(), best.failures(), seconds);
      if (json) {
        printJson(best);
      }
      return 0;
    }
  }

  @Command(name = "aid2e", mixinStandardHelpOptions = true,
      description = "The AID2E tutorial's detector study: an optimisation over (x, y) whose every design point is "
          + "evaluated by one of the tutorial's examples: simple (one work), two-step (simrecoana -> final, "
          + "one-to-one), global (a simulation per particle x eta grid point, merged all-to-one) or datasets "
          + "(simulations of 200 events in jobs of 100 writing files, a dataset per grid point analysed one-to-one, "
          + "merged all-to-one).")
  static final class Aid2eCommand implements Callable<Integer> {
    @Mixin Backend backend;

    @Option(names = "--example", defaultValue = "global", paramLabel = "NAME",
        description = "simple, two-step, global or datasets (default ${DEFAULT-VALUE}).")
    String example;

    @Mixin Budget budget;

    @Option(names = "--fail-above", defaultValue = "1", paramLabel = "X",
        description = "Fault injection for the global example: the kaon+ simulation at eta=0.2 fails for x above X "
            + "(default ${DEFAULT-VALUE}: never).")
    double failAbove;

    @Option(names = "--json", description = "End with one JSON line holding best_parameters and best_value.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      budget.check(this);
      DesignStudy.Example chosen;
      try {
        chosen = DesignStudy.Example.of(example);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      long started = System.nanoTime();
      BestPoint best;
      try (WorkflowRun run = backend.apply(DetectorStudyTasks.builder()).start()) {
        System.out.println("aid2e " + chosen.cliName() + ": " + budget.trials + " design points, " + budget.parallel
            + " at a time, on backend " + run.backendName());
        best = DesignStudy.optimise(chosen, budget.trials, budget.parallel, budget.seed, failAbove, System.out::println);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "best value %.3g at x=%.5f y=%.5f after %d design points (%d failed) in %.1f s%n",
          best.value(), best.x(), best.y(), best.evaluations(), best.failures(), seconds);
      if (json) {
        printJson(best);
      }
      return 0;
    }
  }

  @Command(name = "mobo", mixinStandardHelpOptions = true,
      description = "Multi-objective optimisation: builds the Pareto front of DTLZ2 (two objectives) or of the AID2E "
          + "detector study (its global example against the design's material cost), keeping --parallel trials in "
          + "flight.")
  static final class MoboCommand implements Callable<Integer> {
    @Mixin Backend backend;

    @Option(names = "--problem", defaultValue = "dtlz2", paramLabel = "NAME",
        description = "dtlz2 or aid2e (default ${DEFAULT-VALUE}).")
    String problem;

    @Option(names = "--optimizer", defaultValue = "ehvi", paramLabel = "NAME",
        description = "ehvi (expected hypervolume improvement), parego (a GP of randomly weighted objectives), nsga2 "
            + "or sobol (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Mixin Budget budget;

    @Option(names = "--plots", paramLabel = "DIR",
        description = "Write trials.csv, trials.json, pareto.png and hypervolume.png into DIR.")
    java.nio.file.Path plots;

    @Option(names = "--json", description = "End with one JSON line holding the Pareto set and its hypervolume.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      budget.check(this);
      Mobo.Problem chosen;
      Optimizer start;
      try {
        chosen = Mobo.Problem.of(problem);
        start = Mobo.optimizer(optimizer, chosen, budget.seed);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      long started = System.nanoTime();
      Optimizer done;
      WorkflowRun.Builder builder = chosen == Mobo.Problem.DTLZ2 ? MoboTasks.builder() : DetectorStudyTasks.builder();
      try (WorkflowRun run = backend.apply(builder).start()) {
        System.out.println("mobo " + problem + " with " + start.name() + ": " + budget.trials + " trials, "
            + budget.parallel + " at a time, on backend " + run.backendName());
        done = Mobo.optimise(chosen, start, budget.trials, budget.parallel, System.out::println);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double hypervolume = Hypervolume.of(done.trials(), done.objectives());
      int completed = (int) done.trials().stream().filter(r -> r.status() == TrialStatus.COMPLETED).count();
      List<TrialRecord> front = done.paretoFront();
      System.out.printf(java.util.Locale.ROOT, "Pareto front: %d of %d trials, hypervolume %.4f, in %.1f s%n",
          front.size(), completed, hypervolume, seconds);
      for (TrialRecord r : front) {
        StringBuilder line = new StringBuilder("  trial " + r.trial().id() + ":");
        r.trial().parameters().forEach((name, value) -> line.append(' ').append(name).append('=')
            .append(value instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4f", d) : value));
        line.append(" ->");
        done.objectives().forEach(o -> line.append(' ').append(o.name()).append('=')
            .append(String.format(java.util.Locale.ROOT, "%.4g", r.measurements().get(o.name()).mean())));
        System.out.println(line);
      }
      if (plots != null) {
        for (java.nio.file.Path file : StudyReport.write(done, plots, chosen.maximumHypervolume)) {
          System.out.println("wrote " + file);
        }
      }
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pareto_set", Mobo.paretoSet(front));
        out.put("hypervolume", hypervolume);
        out.put("evaluations", completed);
        out.put("failures", done.trials().size() - completed);
        System.out.println(new ObjectMapper().writeValueAsString(out));
      }
      return 0;
    }
  }

  /** The optimisation samples' last line with --json, as the AID2E tutorial's scheduler reports a best point. */
  static void printJson(BestPoint best) throws com.fasterxml.jackson.core.JsonProcessingException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("best_parameters", Map.of("x", best.x(), "y", best.y()));
    out.put("best_value", best.value());
    out.put("evaluations", best.evaluations());
    out.put("failures", best.failures());
    System.out.println(new ObjectMapper().writeValueAsString(out));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a sample and returns the exit code: 0 done, 1 failed, 2 bad command line. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Samples());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof TaskwireException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        cmd.getErr().println("error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
