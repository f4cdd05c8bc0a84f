package org.taskwire.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.Request;
import okhttp3.Response;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.net.Http;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire logs RUN CALL}: the log of the worker or job that ran a call. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints a call's lines in the log of the worker or grid job that ran it (a local file, or "
    + "fetched from the job's log URL).")
final class LogsCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN", description = "The run: its id, a unique prefix of it, or last.")
  String run;

  @Parameters(index = "1", paramLabel = "CALL", description = "The call's id, as taskwire show prints it.")
  long callId;

  @picocli.CommandLine.Option(names = "--all",
      description = "The whole log of the worker, with the other calls it ran, not only this call's lines.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    RunDirectory dir = RunDirectory.find(runs.root(), run);
    RecordedRun recorded = RecordedRun.read(dir.journal());
    RecordedRun.Call call = recorded.calls().stream().filter(c -> c.declared().callId() == callId).findFirst()
        .orElseThrow(() -> new ConfigurationException("run " + dir.runId() + " has no call " + callId + "; its calls are "
            + "1 to " + recorded.maxCallId()));
    String location = call.logLocation();
    if (location == null) {
      throw new ConfigurationException("the journal of run " + dir.runId() + " names no log for call " + callId
          + (call.submissions().isEmpty() ? " (it was never submitted)" : " (no job of it had started, or its "
          + "backend serves no log; last handle " + call.submissions().get(call.submissions().size() - 1).handle()
          + ")"));
    }
    String whole = read(location);
    int attempt = call.endingAttempt();
    // A local worker's or a pilot's log holds every call it ran; a grid job's holds one.
    String text = all ? whole : WorkerLogs.linesOf(whole, callId, attempt).orElse(whole);
    PrintWriter out = spec.commandLine().getOut();
    if (runs.json) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("runId", dir.runId());
      answer.put("callId", callId);
      answer.put("location", location);
      answer.put("log", text);
      out.println(TaskwireCli.JSON.writeValueAsString(answer));
    } else {
      out.print(text);
      out.flush();
    }
    return 0;
  }

  private static String read(String location) throws Exception {
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
      throw new ConfigurationException("the log " + location + " is gone (a local run's logs are removed after a run "
          + "without failures, unless taskwire.local.log-dir is set)");
    }
    return Files.readString(file);
  }
}
