package org.taskwire.internal.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.Priority;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * Decides, call by call, how a proxy invocation's calls get their results: from the journal of
 * the run being resumed, from the results shared across runs, from where an earlier client left
 * them running (re-attached by their backend handle), or by being submitted. Numbers new calls
 * and tasks after those the run recorded.
 */
public final class CallPlanner {
  private final String runId;
  private final RunHistory history;
  private final CallCollector collector;
  private final SharedResults shared;
  private final Backend backend;
  private final AtomicLong nextCallId = new AtomicLong();
  private final AtomicLong nextTaskId = new AtomicLong();
  /** Each planned call's priority, for the calls that wait for it. */
  private final Map<Long, Priority> priorities = new java.util.concurrent.ConcurrentHashMap<>();

  /** One proxy invocation's calls, and what hands those that need a backend to it. */
  public record Planned(List<PendingCall> calls, TaskProgress progress, Runnable send) {}

  public CallPlanner(RunHistory history, CallCollector collector, SharedResults shared, Backend backend) {
    this.runId = history.runId();
    this.history = history;
    this.collector = collector;
    this.shared = shared;
    this.backend = backend;
    nextCallId.set(history.callIdsUsed());
    nextTaskId.set(history.tasksUsed());
  }

  /** Keys and tracks the calls of one proxy invocation; their arguments are encoded already. */
  public Planned plan(WorkflowDefinition owner, WorkDefinition<?, ?> work, JobOptions options, PayloadCodec codec,
      List<? extends Record> arguments, List<byte[]> encoded) {
    return plan(owner, work, options, codec, arguments, encoded, null, new TaskProgress(arguments.size()));
  }

  /**
   * As above, for calls that waited for their inputs: their futures were handed out already, and
   * the progress is their fan-out's.
   *
   * @param waited the calls, or null if none waited
   */
  public Planned plan(WorkflowDefinition owner, WorkDefinition<?, ?> work, JobOptions options, PayloadCodec codec,
      List<? extends Record> arguments, List<byte[]> encoded, List<WaitingCalls.Call> waited, TaskProgress progress) {
    List<CallEnvelope> envelopes = new ArrayList<>(arguments.size());
    List<RecordedRun.Call> recorded = new ArrayList<>(arguments.size());
    List<String> keys = new ArrayList<>(arguments.size());
    for (int i = 0; i < arguments.size(); i++) {
      String key = history.key(owner, work, codec.name(), arguments.get(i));
      recorded.add(history.recorded(key));
      keys.add(key);
    }
    long taskId = taskNumber(recorded);
    for (int i = 0; i < arguments.size(); i++) {
      String key = keys.get(i);
      RecordedRun.Call before = recorded.get(i);
      long callId = before != null ? before.declared().callId() : nextCallId.incrementAndGet();
      envelopes.add(new CallEnvelope(runId, callId, attemptToTakeUp(before), work.id(), codec.name(), encoded.get(i)));
      if (before == null) {
        history.journal().declared(callId, key, work.id(), taskId,
            waited == null ? List.of() : waited.get(i).dependsOn());
      }
    }
    Priority priority = priority(taskId, waited, options.priority());
    Task task = new Task(taskId, owner, work, options, List.copyOf(envelopes), priority);
    for (CallEnvelope envelope : envelopes) {
      priorities.put(envelope.callId(), priority);
    }
    List<PendingCall> calls = new ArrayList<>(envelopes.size());
    List<CallEnvelope> fresh = new ArrayList<>();
    List<CallEnvelope> again = new ArrayList<>();
    Map<Long, Map<String, String>> handles = new HashMap<>();
    for (int i = 0; i < envelopes.size(); i++) {
      CallEnvelope envelope = envelopes.get(i);
      RecordedRun.Call before = recorded.get(i);
      PendingCall call = waited == null ? new PendingCall(task, envelope, codec, options.maxAttempts(), progress)
          : new PendingCall(task, envelope, codec, options.maxAttempts(), waited.get(i).progress(), waited.get(i).future());
      calls.add(call);
      String unnamed = collector.nameDataset(call, arguments.get(i));
      if (unnamed != null) {
        collector.reject(call, org.taskwire.FailureKind.BAD_PAYLOAD, unnamed);
        continue;
      }
      if (before != null && before.success() != null && collector.completeFromJournal(call, before.success().result())) {
        continue;
      }
      if (before == null && shared != null && shared.covers(work)) {
        byte[] known = shared.get(keys.get(i), codec.name()).orElse(null);
        if (known != null && collector.completeFromJournal(call, known)) {
          history.journal().succeeded(envelope.callId(), 1, codec.name(), known);
          continue;
        }
        call.shareAs(keys.get(i));
      }
      collector.track(call);
      // A call that ran but whose result cannot be taken (its files are gone) runs afresh.
      if (before != null && before.success() == null && before.failure() == null && !before.submissions().isEmpty()) {
        again.add(envelope);
        handles.put(envelope.callId(), lastSubmission(before).handle());
      } else {
        fresh.add(envelope);
      }
    }
    Runnable send = () -> {
      if (!again.isEmpty()) {
        backend.reattach(task.withCalls(again), handles);
      }
      if (!fresh.isEmpty()) {
        backend.submit(fresh.size() == envelopes.size() ? task : task.withCalls(fresh));
      }
    };
    return new Planned(calls, progress, send);
  }

  /** A task's place among calls ready at once: its own chain, or the earliest of the calls it waited for, one deeper. */
  private Priority priority(long taskId, List<WaitingCalls.Call> waited, int rank) {
    if (waited == null) {
      return Priority.root(taskId, rank);
    }
    List<Priority> inputs = new ArrayList<>();
    for (WaitingCalls.Call call : waited) {
      for (long input : call.dependsOn()) {
        Priority p = priorities.get(input);
        if (p != null) {
          inputs.add(p);
        }
      }
    }
    return Priority.fedBy(inputs, taskId, rank);
  }

  /**
   * The invocation's task number: the one it had, when an earlier client declared all its calls
   * in one task and recorded no submission of them (it may have died while submitting, so the
   * backend may hold the task under that number's name); else a new one.
   */
  private long taskNumber(List<RecordedRun.Call> recorded) {
    java.util.Set<Long> tasks = new java.util.HashSet<>();
    for (RecordedRun.Call before : recorded) {
      if (before == null || !before.submissions().isEmpty() || before.ended()) {
        return nextTaskId.incrementAndGet();
      }
      tasks.add(before.declared().task());
    }
    return tasks.size() == 1 ? tasks.iterator().next() : nextTaskId.incrementAndGet();
  }

  /** The attempt a recorded call is taken up at: its last submission's, if it may still be running. */
  private static int attemptToTakeUp(RecordedRun.Call before) {
    return before == null || before.success() != null || before.failure() != null || before.submissions().isEmpty()
        ? 1 : lastSubmission(before).attempt();
  }

  private static org.taskwire.internal.journal.JournalRecord.CallSubmitted lastSubmission(RecordedRun.Call call) {
    return call.submissions().get(call.submissions().size() - 1);
  }
}
