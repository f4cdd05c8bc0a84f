package org.taskwire.testing.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.taskwire.AsyncMapResult;
import org.taskwire.In;
import org.taskwire.WorkflowRun;

/**
 * A client JVM for {@link MultiStepResumeTest}: three steps over x = 0..n-1 — {@code stepA}, then
 * {@code stepB} one-to-one, then {@code sum} all-to-one — resuming {@code args[3]} unless it is
 * {@code -}. Writes the sum to {@code args[2]}.
 *
 * <p>Arguments: runs directory, count directory, result file, run to resume or {@code -}, n,
 * millis per call, then {@code key=value} configuration.
 */
public final class MultiStepClient {
  private MultiStepClient() {}

  static Process start(Path dir, Path runs, Path counts, String resume, int n, long millis, String name,
      String... config) throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        MultiStepClient.class.getName(), runs.toString(), counts.toString(), dir.resolve(name + ".txt").toString(),
        resume, Integer.toString(n), Long.toString(millis)));
    command.addAll(List.of(config));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  public static void main(String[] args) throws Exception {
    WorkflowRun.Builder builder = StepsTasks.builder().set("taskwire.runs-dir", args[0]);
    if (!"-".equals(args[3])) {
      builder.resume(args[3]);
    }
    for (int i = 6; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      builder.set(kv[0], kv[1]);
    }
    String counts = args[1];
    int n = Integer.parseInt(args[4]);
    long millis = Long.parseLong(args[5]);
    List<Integer> xs = IntStream.range(0, n).boxed().toList();
    try (WorkflowRun run = builder.start()) {
      System.out.println("run " + run.runId());
      AsyncMapResult<Integer, Double> a = StepsTasks.stepAMapAsync(xs, x -> new StepsTasks.StepAArgs(counts, x, millis));
      AsyncMapResult<Integer, Double> b = StepsTasks.stepBMapAsync(xs,
          x -> new StepsTasks.StepBIn(In.of(counts), a.at(x), In.of(millis)));
      double sum = StepsTasks.sumAsync(b.values()).await();
      Files.writeString(Path.of(args[2]), Double.toString(sum));
      System.out.println("done: " + sum);
    }
  }
}
