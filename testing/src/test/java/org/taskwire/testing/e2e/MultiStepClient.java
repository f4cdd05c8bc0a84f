package org.taskwire.testing.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
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
    return ClientToResume.start(MultiStepClient.class, dir, runs, counts, resume, n, millis, name, config);
  }

  public static void main(String[] args) throws Exception {
    WorkflowRun.Builder builder = ClientToResume.configured(StepsTasks.builder(), args);
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
