package org.taskwire.internal.backend.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Slurm's commands run as processes, as Parsl and dask-jobqueue do: no Java library for Slurm is
 * worth its weight. A command that fails or hangs throws, with what it printed.
 */
final class SlurmCommands {
  private static final long TIMEOUT_SECONDS = 60;

  private SlurmCommands() {}

  /** What a command printed on standard output, if it exited 0. */
  static String run(List<String> command) throws IOException {
    java.nio.file.Path errors = java.nio.file.Files.createTempFile("taskwire-slurm", ".err");
    try {
      return run(command, errors);
    } finally {
      java.nio.file.Files.deleteIfExists(errors);
    }
  }

  private static String run(List<String> command, java.nio.file.Path errors) throws IOException {
    // Standard error goes to a file, so that neither stream can fill up while the other is read.
    Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    process.getOutputStream().close();
    byte[] out;
    try {
      out = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    String stdout = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      String stderr = java.nio.file.Files.readString(errors, StandardCharsets.UTF_8).strip();
      throw new IOException(String.join(" ", shown(command)) + " exited " + process.exitValue() + ": "
          + (stderr.isEmpty() ? stdout.strip() : stderr));
    }
    return stdout;
  }

  /** The command for messages: long arguments shortened. */
  private static List<String> shown(List<String> command) {
    List<String> shown = new ArrayList<>();
    for (String arg : command) {
      shown.add(arg.length() > 80 ? arg.substring(0, 77) + "..." : arg);
    }
    return shown;
  }
}
