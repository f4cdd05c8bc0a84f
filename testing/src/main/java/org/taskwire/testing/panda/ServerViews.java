package org.taskwire.testing.panda;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tasks and jobs as the server's answers show them, and the server's time format. */
final class ServerViews {
  private ServerViews() {}

  /** The server's {@code %Y-%m-%d %H:%M:%S} (UTC), or null for none. */
  static Instant parseTime(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return java.time.LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("since must be '%Y-%m-%d %H:%M:%S', got '" + text + "'");
    }
  }

  /** A task as the task listings return it: JediTaskSpec's attributes, times as the server marks datetimes. */
  static Map<String, Object> task(Jedi.TaskRecord t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("jediTaskID", t.id);
    d.put("taskName", t.params.get("taskName"));
    d.put("status", t.status);
    d.put("superStatus", t.status);
    d.put("userName", t.owner);
    d.put("prodSourceLabel", t.params.get("prodSourceLabel"));
    d.put("vo", t.params.get("vo"));
    // A user task without a request of its own is its own request, as JEDI registers it.
    d.put("reqID", t.params.get("reqID") != null ? t.params.get("reqID") : t.id);
    d.put("processingType", t.params.get("processingType"));
    d.put("transUses", t.params.get("transUses"));
    d.put("transHome", t.params.get("transHome"));
    d.put("architecture", t.params.get("architecture"));
    d.put("site", t.params.get("site"));
    d.put("cloud", t.params.get("cloud"));
    d.put("creationDate", Map.of("__datetime__", iso(t.submitted)));
    d.put("modificationTime", Map.of("__datetime__", iso(t.modified)));
    d.put("errorDialog", t.errorDialog);
    long done = t.files.stream().filter(f -> "finished".equals(f.status)).count();
    d.put("nFiles", t.files.size());
    d.put("nFilesFinished", done);
    d.put("nFilesFailed", t.files.stream().filter(f -> "failed".equals(f.status)).count());
    return d;
  }

  private static String iso(Instant instant) {
    return java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC).toString();
  }

  /** A job as the job descriptions return it: JobSpec's attributes, times as the server marks datetimes. */
  static Map<String, Object> job(Jedi.JobRecord j) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("PandaID", j.pandaId);
    d.put("jediTaskID", j.task.id);
    d.put("jobStatus", j.status);
    d.put("jobSubStatus", null);
    d.put("attemptNr", j.attemptNr);
    d.put("maxAttempt", j.file.maxAttempt);
    d.put("computingSite", "EMULATOR");
    d.put("prodSourceLabel", "user");
    d.put("transformation", j.task.params.getOrDefault("transPath",
        "https://pandaserver-doma.cern.ch/trf/user/runGen-00-00-02"));
    d.put("jobParameters", j.jobParameters);
    d.put("container_name", j.task.params.get("container_name"));
    d.put("coreCount", j.task.params.get("coreCount"));
    d.put("creationTime", datetime(j.created));
    d.put("modificationTime", datetime(j.modified));
    d.put("startTime", datetime(j.started));
    d.put("endTime", datetime(j.ended));
    d.put("transExitCode", j.transExitCode);
    d.put("pilotErrorCode", j.pilotErrorCode);
    d.put("pilotErrorDiag", j.pilotErrorDiag);
    d.put("exeErrorCode", j.exeErrorCode);
    d.put("exeErrorDiag", j.exeErrorDiag);
    d.put("taskBufferErrorCode", j.taskBufferErrorCode);
    d.put("taskBufferErrorDiag", j.taskBufferErrorDiag);
    d.put("pilotID", j.pilotId);
    List<Object> files = new ArrayList<>();
    files.add(Map.of("type", "pseudo_input", "lfn", j.file.lfn, "dataset", "pseudo_dataset", "attemptNr",
        j.attemptNr, "status", j.file.status));
    String task = String.valueOf(j.task.params.get("taskName"));
    files.add(Map.of("type", "log", "lfn", task + ".log." + j.task.id + "." + String.format("%06d", j.file.index + 1)
        + ".log.tgz", "dataset", task + ".log/"));
    d.put("Files", files);
    return d;
  }

  private static Object datetime(Instant t) {
    return t == null ? null
        : Map.of("__datetime__", LocalDateTime.ofInstant(t, ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS).toString());
  }
}
