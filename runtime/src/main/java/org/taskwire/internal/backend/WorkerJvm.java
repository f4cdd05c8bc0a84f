package org.taskwire.internal.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.taskwire.internal.sandbox.SandboxManifest;

/**
 * The JVM a worker runs in, the same for every backend: the java executable, {@code -Xmx} unless
 * the options set one, the options, an exit on out-of-memory (so a backend sees a dead worker, not
 * a hung one) said on standard error, the class path, and the wrapper's main. What follows the main is the backend's:
 * the wrapper's mode and its arguments.
 *
 * @param java the java executable
 * @param options JVM options, space-separated
 * @param heapMb the heap when the options set none
 * @param classpath the worker's class path entries
 */
public record WorkerJvm(String java, String options, int heapMb, List<String> classpath) {

  /** The heap for a job of {@code memoryMb}: a quarter is left to the JVM's own needs. */
  public static int heapForJob(int memoryMb) {
    return Math.max(64, memoryMb * 3 / 4);
  }

  /** A word for a POSIX shell: in single quotes, each quote inside closed, escaped and reopened. */
  public static String shellQuote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The command up to and including the wrapper's main, class path joined with {@code separator}. */
  public List<String> command(String separator) {
    return command(separator, UnaryOperator.identity());
  }

  /** As {@link #command(String)}, with the class path argument passed through {@code quote} (for a shell). */
  public List<String> command(String separator, UnaryOperator<String> quote) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    List<String> jvm = Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    if (jvm.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
      cmd.add("-Xmx" + heapMb + "m");
    }
    cmd.addAll(jvm);
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // The VM's own words (its out-of-memory exit among them) go to the log, never into a frame pipe.
    cmd.add("-XX:+DisplayVMOutputToStderr");
    cmd.add("-cp");
    cmd.add(quote.apply(String.join(separator, classpath)));
    cmd.add(SandboxManifest.WRAPPER_MAIN);
    return cmd;
  }
}
