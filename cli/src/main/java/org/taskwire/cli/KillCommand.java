package org.taskwire.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.run.RunKill;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire kill RUN}: stops a run's client, then what it still has running. */
@Command(name = "kill", mixinStandardHelpOptions = true, description = "Stops a run: its client if it runs, then what its calls still have running "
    + "(PanDA tasks, local worker JVMs). The run can be resumed afterwards.")
final class KillCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "The run: its id, a unique prefix of it, or last.")
  String run;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Configuration for reaching the backend, over what the run recorded (its secrets were not "
          + "recorded: prefer the environment, e.g. PANDA_AUTH_ID_TOKEN).")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    RunDirectory dir = RunDirectory.find(runs.root(), run);
    List<String> killed = RunKill.kill(dir, set);
    PrintWriter out = spec.commandLine().getOut();
    if (runs.json) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("runId", dir.runId());
      answer.put("killed", killed);
      out.println(TaskwireCli.JSON.writeValueAsString(answer));
    } else if (killed.isEmpty()) {
      out.println("run " + dir.runId() + " has nothing running");
    } else {
      killed.forEach(k -> out.println("killed " + k));
    }
    return 0;
  }
}
