package org.taskwire.dashboard;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.internal.journal.JournalTail;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;
import org.taskwire.internal.run.CallLog;

/**
 * One run followed from its journal: each {@link #refresh} reads the lines written since the last
 * one and, when they or the run's state changed anything, makes a new {@link RunView} and counts a
 * new version. The view is aggregated here, on the server, so that a page of a run with 100,000
 * calls receives its counts by step, not its calls.
 */
final class RunFeed extends Feed {
  /** The newest failures and tasks a run's page receives; the totals say how many there are. */
  static final int LIST_LIMIT = 200;
  private final RunDirectory directory;
  private final JournalTail tail;
  private final TaskStream stream = new TaskStream();
  private RunView view;

  RunFeed(Path directory) {
    this.directory = RunDirectory.at(directory);
    this.tail = new JournalTail(this.directory.journal());
  }

  /** Reads what the journal gained; whether the view changed. A journal that cannot be read leaves its error. */
  @Override
  synchronized boolean refresh() {
    try {
      List<org.taskwire.internal.journal.JournalRecord> fresh = tail.poll();
      RecordedRun run = tail.run();
      if (run == null) {
        return false;
      }
      stream.add(fresh, run);
      // The state changes without a line when the client dies or lets go of the run.
      RunView next = fresh.isEmpty() && view != null ? stateChanged(run) : RunView.of(directory, run);
      if (next == null) {
        return false;
      }
      view = next;
      changed();
      return true;
    } catch (RuntimeException e) {
      return failed(e.getMessage());
    }
  }

  private RunView stateChanged(RecordedRun run) {
    return RunView.state(directory, run).equals(view.state()) ? null : RunView.of(directory, run);
  }

  synchronized RunView view() {
    return view;
  }

  /** The run for its page: the view, with only the newest failures and tasks. */
  @Override
  synchronized Map<String, Object> page() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runId", runId());
    out.put("version", version());
    out.put("error", error());
    // PanDA task ids link to the monitor where the PanDA client's environment names one.
    out.put("pandamon", System.getenv("PANDAMON_URL"));
    // The page offers no Stop for the run of the client that serves it, which cannot kill itself.
    out.put("servedBy", ProcessHandle.current().pid());
    if (view != null) {
      out.put("summary", view.summary());
      out.put("steps", view.steps());
      out.put("edges", view.edges());
      out.put("failuresTotal", view.failures().size());
      out.put("failures", newest(view.failures()));
      out.put("tasksTotal", view.tasks().size());
      out.put("tasks", newest(view.tasks()));
      out.put("files", view.files());
      out.put("datasets", view.datasets());
      out.put("stream", stream.page());
    }
    return out;
  }

  private static <T> List<T> newest(List<T> all) {
    return all.subList(Math.max(0, all.size() - LIST_LIMIT), all.size());
  }

  /**
   * The log of a call, as the journal read so far names it.
   *
   * @throws org.taskwire.ConfigurationException if there is no such call or log
   */
  synchronized CallLog log(long callId) {
    RecordedRun run = tail.run();
    if (run == null) {
      throw new org.taskwire.ConfigurationException("run " + runId() + " has no call " + callId + " yet");
    }
    return CallLog.of(run, runId(), callId);
  }

  /**
   * The calls not yet ended of a task (a proxy invocation), or of one call when {@code task} is
   * false, as the journal read so far tells.
   *
   * @throws org.taskwire.ConfigurationException if the run has no such task or call
   */
  synchronized List<Long> unended(boolean task, long id) {
    RecordedRun run = tail.run();
    List<Long> calls = new java.util.ArrayList<>();
    boolean known = false;
    if (run != null) {
      if (task) {
        for (RecordedRun.Call call : run.calls()) {
          if (call.declared().task() == id) {
            known = true;
            if (!call.ended()) {
              calls.add(call.declared().callId());
            }
          }
        }
      } else if (run.byId(id) != null) {
        known = true;
        if (!run.byId(id).ended()) {
          calls.add(id);
        }
      }
    }
    if (!known) {
      throw new org.taskwire.ConfigurationException("run " + runId() + " has no " + (task ? "task " : "call ") + id);
    }
    return calls;
  }

  RunDirectory directory() {
    return directory;
  }

  String runId() {
    return directory.runId();
  }
}
