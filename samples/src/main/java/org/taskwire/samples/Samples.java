package org.taskwire.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.taskwire.TaskwireException;
import org.taskwire.WorkflowRun;
import org.taskwire.samples.aid2e.DetectorStudyTasks;
import org.taskwire.samples.aid2e.Study;
import org.taskwire.samples.hello.Hello;
import org.taskwire.samples.hello.HelloTasks;
import org.taskwire.samples.hpo.Hpo;
import org.taskwire.samples.hpo.HpoTasks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar taskwire-samples.jar <sample>}: runs one of the sample workflows. */
@Command(name = "taskwire-samples", mixinStandardHelpOptions = true,
    description = "Runs a Taskwire sample workflow. Configuration keys (taskwire.*) come from "
        + "taskwire.properties, ~/.taskwire/config.properties, TASKWIRE_* variables and -D options.",
    subcommands = {Samples.HelloCommand.class, Samples.HpoCommand.class, Samples.Aid2eCommand.class})
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

    WorkflowRun.Builder apply(WorkflowRun.Builder builder) {
      settings.forEach(builder::set);
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

  @Command(name = "hpo", mixinStandardHelpOptions = true,
      description = "Minimises (x-0.5)^2 + (y-0.5)^2 on [0,1]^2 by Bayesian optimisation; each iteration is one fan-out.")
  static final class HpoCommand implements Callable<Integer> {
    @Mixin Backend backend;

    @Option(names = "--iterations", defaultValue = "8", description = "Optimisation iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--points", defaultValue = "10", description = "Points evaluated per iteration, as one task (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "End with one JSON line holding best_parameters and best_value.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (iterations < 1 || points < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--iterations and --points must be at least 1");
      }
      long started = System.nanoTime();
      Hpo.Best best;
      try (WorkflowRun run = backend.apply(HpoTasks.builder()).start()) {
        System.out.println("hpo: " + iterations + " iterations x " + points + " points on backend " + run.backendName());
        best = Hpo.optimise(iterations, points, seed, System.out::println);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("best value %.3g at x=%.5f y=%.5f after %d evaluations (%d failed) in %.1f s%n",
          best.value(), best.x(), best.y(), best.evaluations(), best.failures(), seconds);
      if (json) {
        printJson(best.x(), best.y(), best.value(), best.evaluations(), best.failures());
      }
      return 0;
    }
  }

  @Command(name = "aid2e", mixinStandardHelpOptions = true,
      description = "The AID2E tutorial's detector study: an optimisation over (x, y) whose every design point is "
          + "evaluated by one of the tutorial's examples: simple (one work), two-step (simrecoana -> final, "
          + "one-to-one) or global (a simulation per particle x eta grid point, merged all-to-one).")
  static final class Aid2eCommand implements Callable<Integer> {
    @Mixin Backend backend;

    @Option(names = "--example", defaultValue = "global", paramLabel = "NAME",
        description = "simple, two-step or global (default ${DEFAULT-VALUE}).")
    String example;

    @Option(names = "--iterations", defaultValue = "8", description = "Optimisation iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--points", defaultValue = "10",
        description = "Design points evaluated at once per iteration (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--fail-above", defaultValue = "1", paramLabel = "X",
        description = "Fault injection for the global example: the kaon+ simulation at eta=0.2 fails for x above X "
            + "(default ${DEFAULT-VALUE}: never).")
    double failAbove;

    @Option(names = "--json", description = "End with one JSON line holding best_parameters and best_value.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (iterations < 1 || points < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--iterations and --points must be at least 1");
      }
      Study.Example chosen;
      try {
        chosen = Study.Example.of(example);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
      }
      long started = System.nanoTime();
      Study.Best best;
      try (WorkflowRun run = backend.apply(DetectorStudyTasks.builder()).start()) {
        System.out.println("aid2e " + chosen.cliName() + ": " + iterations + " iterations x " + points
            + " design points on backend " + run.backendName());
        best = Study.optimise(chosen, iterations, points, seed, failAbove, System.out::println);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "best value %.3g at x=%.5f y=%.5f after %d design points (%d failed) in %.1f s%n",
          best.value(), best.x(), best.y(), best.evaluations(), best.failures(), seconds);
      if (json) {
        printJson(best.x(), best.y(), best.value(), best.evaluations(), best.failures());
      }
      return 0;
    }
  }

  /** The optimisation samples' last line with --json, as the AID2E tutorial's scheduler reports a best point. */
  static void printJson(double x, double y, double value, int evaluations, int failures)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("best_parameters", Map.of("x", x, "y", y));
    out.put("best_value", value);
    out.put("evaluations", evaluations);
    out.put("failures", failures);
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
