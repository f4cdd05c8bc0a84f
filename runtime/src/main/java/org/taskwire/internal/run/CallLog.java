package org.taskwire.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.Request;
import okhttp3.Response;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.net.Http;

/**
 * The log of the worker or job that ran a call, from where its journal names it (a local file, or
 * a job's log URL), for {@code taskwire logs} and the dashboard: never a file the journal does not
 * name for that call.
 *
 * @param location where the journal names the log
 * @param whole the whole log: a local worker's or a pilot's holds every call it ran, a grid job's one
 * @param callLines the call's own lines in it (those of the attempt that ended it), or the whole log
 *     where it holds no markers
 */
public record CallLog(String location, String whole, String callLines) {

  /**
   * Reads the log of call {@code callId} of a run.
   *
   * @throws ConfigurationException if the run has no such call, its journal names no log for it,
   *     or the log is gone or cannot be fetched
   */
  public static CallLog of(RecordedRun run, String runId, long callId) {
    RecordedRun.Call call = run.byId(callId);
    if (call == null) {
      throw new ConfigurationException("run " + runId + " has no call " + callId + "; its calls are 1 to "
          + run.maxCallId());
    }
    String location = call.logLocation();
    if (location == null) {
      throw new ConfigurationException("the journal of run " + runId + " names no log for call " + callId
          + (call.submissions().isEmpty() ? " (it was never submitted)" : " (no job of it had started, or its "
          + "backend serves no log; last handle " + call.submissions().get(call.submissions().size() - 1).handle()
          + ")"));
    }
    String whole = read(location);
    return new CallLog(location, whole, WorkerLogs.linesOf(whole, callId, call.endingAttempt()).orElse(whole));
  }

  private static String read(String location) {
    try {
      if (location.startsWith("http://") || location.startsWith("https://")) {
        try (Response response = Http.shared().newCall(new Request.Builder().url(location).build()).execute()) {
          if (!response.isSuccessful()) {
            throw new ConfigurationException("cannot fetch the log " + location + ": HTTP " + response.code());
          }
          return response.body().string();
        }
      }
      Path file = Path.of(location);
      if (!Files.isRegularFile(file)) {
        throw new ConfigurationException("the log " + location + " is gone (a local run's logs are removed after a "
            + "run without failures, unless taskwire.local.log-dir is set)");
      }
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log " + location + ": " + e.getMessage(), e);
    }
  }
}
