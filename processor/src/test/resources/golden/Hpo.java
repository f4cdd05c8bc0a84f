package demo;

import java.util.List;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

@Workflow(name = "hpo", maxAttempts = 2, queue = "BNL_PanDA_1")
public final class Hpo {
  @Work(cores = 1, memoryMb = 512, walltime = "10m")
  static double objective(double x, double y) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5);
  }

  @Work(name = "best-of")
  static List<Double> bestOf(List<Double> values, int count) {
    return values.subList(0, count);
  }

  @Work
  static void warmUp() {}
}
