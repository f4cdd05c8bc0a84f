package org.taskwire.benchmarks;

import java.util.Arrays;

/**
 * The benchmarks jar's entry point: {@code jmh [JMH options]} runs the micro-benchmarks,
 * {@code harness [options]} the end-to-end scenarios and the report. {@code benchmarks/run.sh}
 * runs both.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("jmh") || args[0].equals("harness"))) {
      System.err.println("usage: java -jar taskwire-benchmarks.jar jmh [JMH options] | harness [--help]");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(rest);
    } else {
      System.exit(Harness.run(rest));
    }
  }
}
