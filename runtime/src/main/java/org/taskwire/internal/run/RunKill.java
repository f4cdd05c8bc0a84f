package org.taskwire.internal.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;

/**
 * Stops a run from outside its client, for {@code taskwire kill} and the dashboard: the client, if
 * it runs, then what the run's unfinished calls still have running on their backends (PanDA
 * tasks, Slurm jobs, local worker JVMs). The run can be resumed afterwards.
 */
public final class RunKill {
  /** How long the client is given to close the run itself before it is killed. */
  private static final Duration CLIENT_GRACE = Duration.ofSeconds(15);

  private RunKill() {}

  /**
   * Stops the run of {@code dir}.
   *
   * @param set configuration for reaching its backends, over what the run recorded (its secrets
   *     were not recorded)
   * @return what was stopped, for people; empty if nothing ran
   * @throws ConfigurationException if the run's client is this very process
   */
  public static List<String> kill(RunDirectory dir, Map<String, String> set) {
    RecordedRun recorded = RecordedRun.read(dir.journal(), false);
    List<String> killed = new ArrayList<>();
    OptionalLong owner = dir.openBy();
    if (owner.isPresent() && owner.getAsLong() == ProcessHandle.current().pid()) {
      throw new ConfigurationException("run " + dir.runId() + " is this process's own: a client cannot kill itself; "
          + "stop its program (Ctrl-C), or run taskwire kill " + dir.runId() + " from another shell");
    }
    if (owner.isPresent() && owner.getAsLong() > 0) {
      ProcessHandle client = ProcessHandle.of(owner.getAsLong()).orElse(null);
      if (client != null && client.isAlive()) {
        client.destroy();
        try {
          client.onExit().get(CLIENT_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          client.destroyForcibly();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while run " + dir.runId() + "'s client stopped", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
        killed.add("client pid " + client.pid());
      }
    }
    List<Map<String, String>> handles = new ArrayList<>();
    for (RecordedRun.Call call : recorded.calls()) {
      if (!call.ended() && !call.submissions().isEmpty()) {
        handles.add(call.submissions().get(call.submissions().size() - 1).handle());
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    recorded.start().config().forEach((k, v) -> {
      if (!k.equals(ConfigKey.RESUME.name())) {
        values.put(k, v);
      }
    });
    values.putAll(set);
    // The run's backend, and those some of its works ran on (taskwire.work.<work>.backend).
    TaskwireConfig runConfig = RunHistory.commandConfig(values);
    Set<String> backends = new LinkedHashSet<>(List.of(recorded.start().backend()));
    backends.addAll(runConfig.workBackends().values());
    for (String backend : backends) {
      killed.addAll(Backends.provider(backend).kill(dir.runId(), runConfig, handles));
    }
    return killed;
  }
}
