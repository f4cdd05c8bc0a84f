package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.WrapperExit;

/** What PanDA says of a job, for a call's error: its account (id, attempt, codes) and why it failed. */
final class JobFailure {
  /** runGen: {@code payload execution failed with <status>}. */
  private static final Pattern PAYLOAD_STATUS = Pattern.compile("failed with (\\d+)");

  /** runGen's {@code exeErrorCode} for a sandbox tarball it cannot unpack (5300 + its exit 9). */
  private static final int RUNGEN_BAD_TARBALL = 5309;

  private JobFailure() {}

  /** The job, its attempt, its state and PanDA's error codes, for people. */
  static String account(JsonNode job, int attempt, int maxAttempt) {
    long pandaId = job.path("PandaID").asLong();
    String state = job.path("jobStatus").asText();
    String codes = codes(job);
    return "PanDA job " + pandaId + " (attempt " + attempt + " of " + maxAttempt + ") " + state
        + (codes.isEmpty() ? "" : ": " + codes);
  }

  /** Why a failed or cancelled job failed, from PanDA's codes alone: when its worker said nothing. */
  static Failure failure(JsonNode job, String account) {
    String state = job.path("jobStatus").asText();
    int pilotCode = job.path("pilotErrorCode").asInt(0);
    Cause cause = Cause.Seen.WORKER_DIED;
    String what = "the job failed";
    if ("cancelled".equals(state)) {
      cause = Cause.Seen.KILLED;
      what = "the job was killed";
    } else if (pilotCode == 1213) {
      cause = Cause.Seen.WALLTIME;
      what = "the job exceeded its walltime";
    } else if (pilotCode == 1212 || pilotCode == 1235) {
      cause = Cause.Seen.OUT_OF_MEMORY;
      what = "the job ran out of memory";
    } else {
      Optional<WrapperExit> exit = wrapperExit(job);
      if (exit.isPresent() && exit.get().failure() != null) {
        what = "the Taskwire wrapper exited " + exit.get().code() + " (" + exit.get().meaning() + ")";
        cause = new Cause.WrapperExited(exit.get());
      } else if (job.path("exeErrorCode").asInt(0) == RUNGEN_BAD_TARBALL) {
        // runGen could not unpack the sandbox: every attempt downloads the same bytes.
        what = "runGen could not unpack the run's sandbox: " + job.path("exeErrorDiag").asText("").strip();
        cause = Cause.Seen.REFUSED;
      }
    }
    return Failure.of(cause, what + "; " + account);
  }

  /** The payload's exit status as runGen reports it, if it is one of the wrapper's codes. */
  static Optional<WrapperExit> wrapperExit(JsonNode job) {
    Matcher m = PAYLOAD_STATUS.matcher(job.path("exeErrorDiag").asText(""));
    if (m.find()) {
      return WrapperExit.of(Integer.parseInt(m.group(1)));
    }
    return Optional.empty();
  }

  private static String codes(JsonNode job) {
    List<String> parts = new ArrayList<>();
    add(parts, "pilot error", job, "pilotErrorCode", "pilotErrorDiag");
    add(parts, "payload error", job, "exeErrorCode", "exeErrorDiag");
    add(parts, "task buffer error", job, "taskBufferErrorCode", "taskBufferErrorDiag");
    add(parts, "DDM error", job, "ddmErrorCode", "ddmErrorDiag");
    int exit = job.path("transExitCode").asInt(0);
    if (exit != 0) {
      parts.add("exit code " + exit);
    }
    return String.join(", ", parts);
  }

  private static void add(List<String> parts, String name, JsonNode job, String code, String diag) {
    int c = job.path(code).asInt(0);
    if (c != 0) {
      String d = job.path(diag).asText("");
      parts.add(name + " " + c + (d.isBlank() || "NULL".equals(d) ? "" : " (" + d.strip() + ")"));
    }
  }

  /**
   * Where the job's log is: the pilot log URL (the first field of {@code pilotID}), else the job's
   * page on the monitor named by {@code PANDAMON_URL}, else the log tarball's name.
   */
  static String logLocation(JsonNode job, PandaSettings settings) {
    String pilot = job.path("pilotID").asText("");
    String first = pilot.split("\\|", 2)[0];
    if (first.startsWith("http://") || first.startsWith("https://")) {
      return first;
    }
    long pandaId = job.path("PandaID").asLong();
    String monitor = System.getenv("PANDAMON_URL");
    if (monitor != null && !monitor.isBlank()) {
      return monitor.replaceAll("/+$", "") + "/job?pandaid=" + pandaId;
    }
    for (JsonNode f : job.path("Files")) {
      if ("log".equals(f.path("type").asText())) {
        return "PanDA job " + pandaId + ", log file " + f.path("lfn").asText() + " in " + f.path("dataset").asText();
      }
    }
    return "PanDA job " + pandaId + " on " + settings.server();
  }
}
