package org.taskwire.internal.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.journal.JournalRecord.CallDeclared;
import org.taskwire.internal.journal.JournalRecord.CallFailed;
import org.taskwire.internal.journal.JournalRecord.CallNotRun;
import org.taskwire.internal.journal.JournalRecord.CallsWaiting;
import org.taskwire.internal.journal.JournalRecord.CallSubmitted;
import org.taskwire.internal.journal.JournalRecord.CallSucceeded;
import org.taskwire.internal.journal.JournalRecord.RunClosed;
import org.taskwire.internal.journal.JournalRecord.RunResumed;
import org.taskwire.internal.journal.JournalRecord.RunStarted;

/** A run as its journal tells it: how it started, and each call with its submissions and outcome. */
public final class RecordedRun {
  private final RunStarted start;
  private final List<RunResumed> resumes = new ArrayList<>();
  private final Map<String, Call> byKey = new LinkedHashMap<>();
  private final Map<Long, Call> byId = new LinkedHashMap<>();
  private RunClosed closed;
  private Map<String, Integer> waiting = Map.of();
  private final List<CallNotRun> notRun = new ArrayList<>();
  private final Map<String, JournalRecord.DatasetOpened> datasets = new LinkedHashMap<>();
  private final java.util.Set<String> closedDatasets = new java.util.HashSet<>();

  /** One call: declared, perhaps submitted, perhaps ended. */
  public static final class Call {
    private final CallDeclared declared;
    private final List<CallSubmitted> submissions = new ArrayList<>();
    private CallSucceeded success;
    private CallFailed failure;

    Call(CallDeclared declared) {
      this.declared = declared;
    }

    public CallDeclared declared() {
      return declared;
    }

    public List<CallSubmitted> submissions() {
      return submissions;
    }

    /** The success, or null. */
    public CallSucceeded success() {
      return success;
    }

    /** The final failure, or null; a later success (after a resume) replaces it. */
    public CallFailed failure() {
      return success == null ? failure : null;
    }

    public boolean ended() {
      return success != null || failure != null;
    }

    /**
     * Where the log of the worker or job that ran the call is, as the journal names it: its
     * failure's log, else its last submission's; null if none names one.
     */
    public String logLocation() {
      if (failure() != null && failure().logLocation() != null) {
        return failure().logLocation();
      }
      return submissions.isEmpty() ? null : submissions.get(submissions.size() - 1).handle().get("log");
    }

    /** The attempt that ended the call, or 0 while it has not ended (its log's last attempt then counts). */
    public int endingAttempt() {
      return success != null ? success.attempt() : failure != null ? failure.attempt() : 0;
    }
  }

  RecordedRun(RunStarted start) {
    this.start = start;
  }

  /** Reads a run's journal, each success with its result: what a resumed run takes its values from. */
  public static RecordedRun read(Path journal) {
    return read(journal, true);
  }

  /**
   * Reads a run's journal; without {@code results}, successes' results are skipped, for views and
   * commands that show or stop a run and never use its values. A torn last line (no newline: the
   * client died while writing it) is left out; any other line that is not a record stops the read
   * with the file and line named, so that a damaged journal never gives a silent partial resume.
   *
   * @throws ConfigurationException if the journal is missing, holds no record, or is damaged
   */
  public static RecordedRun read(Path journal, boolean results) {
    JournalTail tail = new JournalTail(journal, results);
    tail.poll();
    if (tail.run() == null) {
      throw new ConfigurationException(journal + " holds no record: the run it belongs to never started");
    }
    return tail.run();
  }

  void apply(JournalRecord record, Path file, int line) {
    if (record instanceof RunStarted) {
      throw new ConfigurationException(file + " line " + line + " starts a second run in one journal; "
          + "the journal is damaged");
    } else if (record instanceof RunResumed r) {
      resumes.add(r);
      closed = null;
      // The resumed client makes those calls again: they wait, or fail, anew.
      waiting = Map.of();
      notRun.clear();
    } else if (record instanceof CallsWaiting w) {
      waiting = Map.copyOf(w.byWork());
    } else if (record instanceof CallNotRun n) {
      notRun.add(n);
    } else if (record instanceof CallDeclared d) {
      Call call = new Call(d);
      byKey.put(d.key(), call);
      byId.put(d.callId(), call);
    } else if (record instanceof CallSubmitted s) {
      call(s.callId(), file, line).submissions.add(s);
    } else if (record instanceof CallSucceeded s) {
      call(s.callId(), file, line).success = s;
    } else if (record instanceof CallFailed f) {
      call(f.callId(), file, line).failure = f;
    } else if (record instanceof JournalRecord.DatasetOpened d) {
      datasets.putIfAbsent(d.scope() + ":" + d.name(), d);
    } else if (record instanceof JournalRecord.DatasetClosed d) {
      closedDatasets.add(d.scope() + ":" + d.name());
    } else if (record instanceof RunClosed c) {
      closed = c;
    }
  }

  private Call call(long callId, Path file, int line) {
    Call call = byId.get(callId);
    if (call == null) {
      throw new ConfigurationException(file + " line " + line + " is about call " + callId
          + ", which the journal never declared; the journal is damaged");
    }
    return call;
  }

  /** The datasets the run registered files in, in the order it opened them. */
  public java.util.Collection<JournalRecord.DatasetOpened> datasets() {
    return datasets.values();
  }

  /** Whether the run closed a dataset ({@code scope:name}). */
  public boolean datasetClosed(String scopeAndName) {
    return closedDatasets.contains(scopeAndName);
  }

  public RunStarted start() {
    return start;
  }

  public List<RunResumed> resumes() {
    return resumes;
  }

  /** How the run was last closed, or null if it was not (it runs, or its client died). */
  public RunClosed closed() {
    return closed;
  }

  /** The calls waiting for their inputs when the journal last said, by work name. */
  public Map<String, Integer> waiting() {
    return waiting;
  }

  /** The calls that never ran because an input failed, since the run last started or resumed. */
  public List<CallNotRun> notRun() {
    return notRun;
  }

  /** The call of a key, or null. */
  public Call byKey(String key) {
    return byKey.get(key);
  }

  /** The call of an id, or null. */
  public Call byId(long callId) {
    return byId.get(callId);
  }

  public Collection<Call> calls() {
    return byId.values();
  }

  /** The largest call id used; new calls of a resumed run are numbered after it. */
  public long maxCallId() {
    return byId.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** The largest task number used. */
  public long maxTask() {
    return byId.values().stream().mapToLong(c -> c.declared.task()).max().orElse(0);
  }
}
