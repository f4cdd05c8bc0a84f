package org.taskwire.internal.backend;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** What a worker's log tells after its death, for every backend: its last lines, and whether memory killed it. */
public final class WorkerLogs {
  /** How an exit with {@code -XX:+ExitOnOutOfMemoryError}'s status, 3, is described. */
  public static final String JVM_OUT_OF_MEMORY = "the JVM ran out of memory";

  /**
   * What says a worker died of memory: the JVM's own words with {@code -XX:+ExitOnOutOfMemoryError}
   * (the exit status alone, 3, could be the work's own {@code System.exit}), and Slurm's when it
   * kills a job above its {@code --mem}.
   */
  private static final List<String> OUT_OF_MEMORY_SIGNS = List.of("Terminating due to java.lang.OutOfMemoryError",
      "Exceeded job memory limit", "oom-kill event");

  private WorkerLogs() {}

  private static final java.util.regex.Pattern CANNOT_START =
      java.util.regex.Pattern.compile("(?m)^taskwire-wrapper: cannot start \\(exit (\\d+)[^\\n]*$");

  /** The line a wrapper writes to its log when it cannot even start: no call can run there. */
  public static String cannotStart(WrapperExit exit, String why) {
    return "taskwire-wrapper: cannot start (exit " + exit.code() + ", " + exit.meaning() + "): " + why;
  }

  /**
   * The line of a log that says its wrapper could not start for a reason no other start mends (a
   * sandbox or class path it cannot use), if one does: a worker or pilot that ended so without
   * ever answering needs no successor.
   */
  public static java.util.Optional<String> hopelessStart(String log) {
    java.util.regex.Matcher m = CANNOT_START.matcher(log);
    while (m.find()) {
      java.util.Optional<WrapperExit> exit = WrapperExit.of(Integer.parseInt(m.group(1)));
      if (exit.isPresent() && exit.get().hopeless()) {
        return java.util.Optional.of(m.group().strip());
      }
    }
    return java.util.Optional.empty();
  }

  /** The line a worker writes to its log before a call: a log holds many calls' lines. */
  public static String callStarts(long callId, int attempt, String workId) {
    return "taskwire-wrapper: >>> call " + callId + " attempt " + attempt + " of " + workId + " starts";
  }

  /** The line a worker writes to its log after a call. */
  public static String callEnds(long callId, int attempt) {
    return "taskwire-wrapper: <<< call " + callId + " attempt " + attempt + " ends";
  }

  /**
   * The lines of one call in a worker's log, its markers included: those of its last attempt
   * there, or of {@code attempt} when it is above 0. Empty when the log holds no such call (a
   * grid job's log, which holds one call, or a log written before the markers).
   */
  public static java.util.Optional<String> linesOf(String log, long callId, int attempt) {
    String starts = "taskwire-wrapper: >>> call " + callId + " attempt " + (attempt > 0 ? attempt + " " : "");
    int from = log.lastIndexOf(starts);
    if (from < 0) {
      return java.util.Optional.empty();
    }
    from = log.lastIndexOf('\n', from) + 1;
    String rest = log.substring(from);
    java.util.regex.Matcher which = java.util.regex.Pattern.compile(">>> call " + callId + " attempt (\\d+) ")
        .matcher(rest);
    which.find();
    String ends = callEnds(callId, Integer.parseInt(which.group(1)));
    int to = rest.indexOf(ends);
    if (to < 0) {
      // The worker died in the call: the rest of the log is its.
      return java.util.Optional.of(rest);
    }
    int lineEnd = rest.indexOf('\n', to);
    return java.util.Optional.of(lineEnd < 0 ? rest : rest.substring(0, lineEnd + 1));
  }

  /** The last lines of a log file, for error messages; empty when it cannot be read. */
  public static String tail(Path log) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      int size = (int) Math.min(length, 2000);
      byte[] bytes = new byte[size];
      file.seek(length - size);
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).strip().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The line of a worker's log tail or end that says it died of memory, if one does: another
   * attempt with as much memory would end the same way.
   */
  public static java.util.Optional<String> outOfMemory(String text) {
    return text.lines().filter(l -> OUT_OF_MEMORY_SIGNS.stream().anyMatch(l::contains)).map(String::strip).findFirst();
  }
}
