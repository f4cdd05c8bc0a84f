package org.taskwire.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;

/**
 * A run as the commands show it, from its journal: its state, counts, tasks and failures.
 *
 * @param state {@code running} (its client has it open), {@code closed}, or {@code interrupted}
 *     (its client died without closing it: resume it)
 */
record RunView(String runId, String workflow, String workflowClass, String backend, String state, Long pid,
    String started, int calls, int succeeded, int failed, int pending, List<TaskView> tasks,
    List<FailureView> failures) {

  /** The calls of one proxy invocation (a fan-out, or one call). */
  record TaskView(long task, String work, int calls, int succeeded, int failed, int pending, List<String> handles) {}

  /** A call that failed for good. */
  record FailureView(long callId, String work, int attempt, String kind, String message, String logLocation,
      String backendDetail) {}

  static RunView of(Path directory) {
    RunDirectory dir = RunDirectory.at(directory);
    RecordedRun run = RecordedRun.read(dir.journal());
    JournalRecord.RunStarted start = run.start();
    OptionalLong owner = dir.openBy();
    String state = owner.isPresent() ? "running" : run.closed() != null ? "closed" : "interrupted";
    Map<Long, int[]> counts = new LinkedHashMap<>();
    Map<Long, String> works = new LinkedHashMap<>();
    Map<Long, Set<String>> handles = new LinkedHashMap<>();
    List<FailureView> failures = new ArrayList<>();
    int succeeded = 0;
    int failed = 0;
    for (RecordedRun.Call call : run.calls()) {
      long task = call.declared().task();
      int[] c = counts.computeIfAbsent(task, k -> new int[3]);
      works.putIfAbsent(task, shortWork(call.declared().work()));
      for (JournalRecord.CallSubmitted s : call.submissions()) {
        String t = s.handle().get("task");
        if (t != null) {
          handles.computeIfAbsent(task, k -> new LinkedHashSet<>()).add(s.handle().get("system") + " task " + t);
        }
      }
      if (call.success() != null) {
        c[0]++;
        succeeded++;
      } else if (call.failure() != null) {
        c[1]++;
        failed++;
        JournalRecord.CallFailed f = call.failure();
        failures.add(new FailureView(f.callId(), shortWork(call.declared().work()), f.attempt(), f.kind(),
            firstLine(f.message()), f.logLocation(), f.backendDetail()));
      } else {
        c[2]++;
      }
    }
    List<TaskView> tasks = new ArrayList<>();
    counts.forEach((task, c) -> tasks.add(new TaskView(task, works.get(task), c[0] + c[1] + c[2], c[0], c[1], c[2],
        List.copyOf(handles.getOrDefault(task, Set.of())))));
    int total = run.calls().size();
    return new RunView(start.runId(), start.workflowName(), start.workflowClass(), start.backend(), state,
        owner.isPresent() ? owner.getAsLong() : null, Instant.ofEpochMilli(start.at()).toString(), total, succeeded, failed,
        total - succeeded - failed, tasks, failures);
  }

  private static String shortWork(String workId) {
    int hash = workId.indexOf('#');
    return hash >= 0 ? workId.substring(hash + 1) : workId;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
