package org.taskwire.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.run.CallLog;
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
    RecordedRun recorded = RecordedRun.read(dir.journal(), false);
    CallLog log = CallLog.of(recorded, dir.runId(), callId);
    String location = log.location();
    String text = all ? log.whole() : log.callLines();
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
}
