package org.taskwire.testing.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;

/**
 * A client JVM for {@link ResumeTest}: a fan-out of {@code countedSquare} over 0..n-1 on the given
 * backend settings, resuming {@code args[3]} unless it is {@code -}. Writes {@code x=value} lines
 * for every success to {@code args[2]} when the fan-out ends.
 *
 * <p>Arguments: runs directory, count directory, results file, run to resume or {@code -}, n,
 * millis per call, then {@code key=value} configuration.
 */
public final class ClientToResume {
  private ClientToResume() {}

  /**
   * Starts this client in a JVM of its own, its output in {@code dir/<name>.out} and its results in
   * {@code dir/<name>.txt}.
   */
  static Process start(Path dir, Path runs, Path counts, String resume, int n, long millis, String name,
      String... config) throws java.io.IOException {
    return start(ClientToResume.class, dir, runs, counts, resume, n, millis, name, config);
  }

  /** Starts {@code client}, a main taking the arguments this class's does, in a JVM of its own. */
  static Process start(Class<?> client, Path dir, Path runs, Path counts, String resume, int n, long millis,
      String name, String... config) throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        client.getName(), runs.toString(), counts.toString(), dir.resolve(name + ".txt").toString(),
        resume, Integer.toString(n), Long.toString(millis)));
    command.addAll(List.of(config));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  /** Waits for a client started as {@code name}, and checks it wrote x = x * x for each x below n. */
  static void assertSquares(Process client, Path dir, String name, int n) throws Exception {
    org.assertj.core.api.Assertions.assertThat(client.waitFor())
        .as("the client said: %s", Files.readString(dir.resolve(name + ".out"))).isZero();
    List<String> lines = Files.readAllLines(dir.resolve(name + ".txt"));
    org.assertj.core.api.Assertions.assertThat(lines).hasSize(n);
    for (String line : lines) {
      int x = Integer.parseInt(line.substring(0, line.indexOf('=')));
      org.assertj.core.api.Assertions.assertThat(line).isEqualTo(x + "=" + x * x);
    }
  }

  /** The run these arguments ask for: its runs directory, the run to resume, then the key=value configuration. */
  static WorkflowRun.Builder configured(WorkflowRun.Builder builder, String[] args) {
    builder.set("taskwire.runs-dir", args[0]);
    if (!"-".equals(args[3])) {
      builder.resume(args[3]);
    }
    for (int i = 6; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      builder.set(kv[0], kv[1]);
    }
    return builder;
  }

  public static void main(String[] args) throws Exception {
    WorkflowRun.Builder builder = configured(ProbeTasks.builder(), args);
    int n = Integer.parseInt(args[4]);
    long millis = Long.parseLong(args[5]);
    List<ProbeTasks.CountedSquareArgs> calls = new ArrayList<>();
    for (int x = 0; x < n; x++) {
      calls.add(new ProbeTasks.CountedSquareArgs(args[1], x, millis));
    }
    try (WorkflowRun run = builder.start()) {
      System.out.println("run " + run.runId());
      MapResult<ProbeTasks.CountedSquareArgs, Integer> results = ProbeTasks.countedSquareMap(calls);
      StringBuilder out = new StringBuilder();
      results.successes().forEach((a, v) -> out.append(a.x()).append('=').append(v).append('\n'));
      Files.writeString(Path.of(args[2]), out.toString());
      System.out.println("done: " + results.successes().size() + " succeeded, " + results.failures().size() + " failed");
    }
  }
}
