package org.taskwire.testing.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.taskwire.WorkflowRun;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Study;

/**
 * A client JVM for {@link StudyOnWorkersTest}: a GP study of Branin whose trials are Taskwire
 * calls, four in flight, its journal, optimiser and run file in the study directory, so that
 * starting it again resumes the study and its own Taskwire run. Prints the best trial at the end.
 *
 * <p>Arguments: runs directory, marks directory, study directory, run to resume or {@code -},
 * budget, millis per trial, then {@code key=value} configuration.
 */
public final class StudyClient {
  private StudyClient() {}

  static final SearchSpace SPACE = SearchSpace.builder().range("x1", -5, 10).range("x2", 0, 15).build();
  static final List<Objective> OBJECTIVES = List.of(Objective.minimize("branin"));

  static Process start(Path dir, Path runs, Path marks, Path study, String resume, int budget, long millis,
      String name, String... config) throws java.io.IOException {
    return ClientToResume.start(StudyClient.class, dir, runs, marks, resume, budget, millis, name,
        withStudy(study, config));
  }

  private static String[] withStudy(Path study, String[] config) {
    String[] all = new String[config.length + 1];
    all[0] = "study=" + study;
    System.arraycopy(config, 0, all, 1, config.length);
    return all;
  }

  /** The study of {@code budget} trials over the run, four in flight. */
  static Study study(Path studyDir, String marks, int budget, long millis) {
    Optimizer gp = Optimizers.gp(SPACE, OBJECTIVES, 3);
    return Study.builder(gp, trial -> TrialsTasks.braninAsync(trial.id(), trial.number("x1"), trial.number("x2"),
            marks, 4, millis).stage().thenApply(e -> Map.of("branin", Measurement.of(e.value()))))
        .parallelism(4).budget(budget).directory(studyDir).progress(System.out::println).build();
  }

  public static void main(String[] args) throws Exception {
    String[] rest = args.clone();
    Path studyDir = null;
    for (int i = 6; i < args.length; i++) {
      if (args[i].startsWith("study=")) {
        studyDir = Path.of(args[i].substring("study=".length()));
        rest[i] = "taskwire.progress=off";
      }
    }
    WorkflowRun.Builder builder = ClientToResume.configured(TrialsTasks.builder(), rest).runFile(studyDir.resolve("run"));
    try (WorkflowRun run = builder.start()) {
      System.out.println("run " + run.runId());
      Optimizer done = study(studyDir, args[1], Integer.parseInt(args[4]), Long.parseLong(args[5])).run();
      System.out.println("best: " + done.best().orElseThrow());
    }
  }
}
