package org.taskwire.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire kill RUN}: stops a run's client, then what it still has running. */
@Command(name = "kill", mixinStandardHelpOptions = true, description = "Stops a run: its client if it runs, then what its calls still have running "
    + "(PanDA tasks, local worker JVMs). The run can be resumed afterwards.")
final class KillCommand implements Callable<Integer> {
  private static final Duration CLIENT_GRACE = Duration.ofSeconds(15);

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
    RecordedRun recorded = RecordedRun.read(dir.journal());
    List<String> killed = new ArrayList<>();
    OptionalLong owner = dir.openBy();
    if (owner.isPresent() && owner.getAsLong() > 0) {
      ProcessHandle client = ProcessHandle.of(owner.getAsLong()).orElse(null);
      if (client != null && client.isAlive()) {
        client.destroy();
        try {
          client.onExit().get(CLIENT_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          client.destroyForcibly();
        }
        killed.add("client pid " + client.pid());
      }
    }
    List<Map<String, String>> handles = new ArrayList<>();
    for (RecordedRun.Call call : recorded.calls()) {
      if (!call.ended() && !call.submissions().isEmpty()) {
        JournalRecord.CallSubmitted last = call.submissions().get(call.submissions().size() - 1);
        handles.add(last.handle());
      }
    }
    Map<String, String> config = new LinkedHashMap<>();
    recorded.start().config().forEach((k, v) -> {
      if (!k.equals(ConfigKey.RESUME.name())) {
        config.put(k, v);
      }
    });
    config.putAll(set);
    // The run's backend, and those some of its works ran on (taskwire.work.<work>.backend).
    var runConfig = Runs.config(config);
    java.util.Set<String> backends = new java.util.LinkedHashSet<>(List.of(recorded.start().backend()));
    backends.addAll(runConfig.workBackends().values());
    for (String backend : backends) {
      killed.addAll(Backends.provider(backend).kill(dir.runId(), runConfig, handles));
    }
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
