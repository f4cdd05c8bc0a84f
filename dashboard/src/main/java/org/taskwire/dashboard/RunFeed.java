package org.taskwire.dashboard;

import java.nio.file.Path;
import java.util.List;
import org.taskwire.internal.journal.JournalTail;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;

/**
 * One run followed from its journal: each {@link #refresh} reads the lines written since the last
 * one and, when they or the run's state changed anything, makes a new {@link RunView} and counts a
 * new version. The view is aggregated here, on the server, so that a page of a run with 100,000
 * calls receives its counts by step, not its calls.
 */
final class RunFeed {
  private final RunDirectory directory;
  private final JournalTail tail;
  private RunView view;
  private long version;
  private String error;

  RunFeed(Path directory) {
    this.directory = RunDirectory.at(directory);
    this.tail = new JournalTail(this.directory.journal());
  }

  /** Reads what the journal gained; whether the view changed. A journal that cannot be read leaves its error. */
  synchronized boolean refresh() {
    try {
      List<?> fresh = tail.poll();
      RecordedRun run = tail.run();
      if (run == null) {
        return false;
      }
      // The state changes without a line when the client dies or lets go of the run.
      RunView next = fresh.isEmpty() && view != null ? stateChanged(run) : RunView.of(directory, run);
      if (next == null) {
        return false;
      }
      view = next;
      version++;
      error = null;
      return true;
    } catch (RuntimeException e) {
      boolean changed = !e.getMessage().equals(error);
      error = e.getMessage();
      return changed;
    }
  }

  private RunView stateChanged(RecordedRun run) {
    return RunView.state(directory, run).equals(view.state()) ? null : RunView.of(directory, run);
  }

  synchronized RunView view() {
    return view;
  }

  synchronized long version() {
    return version;
  }

  /** Why the journal could not be read, or null. */
  synchronized String error() {
    return error;
  }

  /** The call of this id, as the journal read so far tells it, or null. */
  synchronized RecordedRun.Call call(long callId) {
    RecordedRun run = tail.run();
    return run == null ? null : run.calls().stream().filter(c -> c.declared().callId() == callId).findFirst()
        .orElse(null);
  }

  String runId() {
    return directory.runId();
  }
}
