package org.taskwire.internal.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A run as the {@code taskwire} command and the dashboard show it, from its journal: its state,
 * counts by step and the steps' dependencies, tasks and failures.
 *
 * @param state {@code running} (its client has it open), {@code closed}, {@code failed} (it failed
 *     to start: {@code error} says why), or {@code interrupted} (its client died without closing
 *     it: resume it)
 * @param calls every call known: declared, waiting for inputs, or never run because one failed
 * @param pending waiting for inputs, queued or running
 * @param edges the steps' dependencies as the calls recorded them: a step, then the steps whose
 *     results its calls took
 */
public record RunView(String runId, String workflow, String workflowClass, String backend, String state, Long pid,
    String started, String error, int calls, int succeeded, int failed, int notRun, int waiting, int pending,
    List<StepView> steps, List<EdgeView> edges, List<TaskView> tasks, List<FailureView> failures,
    List<FilesView> files, List<DatasetView> datasets) {

  /** The files the succeeded calls of one work kept: how many (each once), their bytes, and where. */
  public record FilesView(String work, int files, long bytes, List<String> where) {}

  /** A dataset the run registered a work's files in (Rucio), with what the journal says of it. */
  public record DatasetView(String work, String did, String rse, String rucio, String state, int files, long bytes) {}

  /**
   * The calls of one work (a step), by state.
   *
   * @param waiting waiting for their inputs
   * @param queued declared, not yet taken by a backend
   * @param running taken by a backend (submitted), no outcome yet
   * @param notRun never ran because an input failed
   */
  public record StepView(String work, int calls, int waiting, int queued, int running, int succeeded, int failed,
      int notRun) {}

  /** The calls of one proxy invocation (a fan-out, or one call). */
  public record TaskView(long task, String work, int calls, int succeeded, int failed, int pending, List<String> handles) {}

  /** Calls of step {@code to} took results of calls of step {@code from}. */
  public record EdgeView(String from, String to) {}

  /**
   * A call that failed for good.
   *
   * @param remoteClass the class of what the work threw, or null where the failure was not the work's
   */
  public record FailureView(long callId, String work, int attempt, String kind, String remoteClass, String message,
      String logLocation, String backendDetail) {}

  /** One line of {@code taskwire runs --json}: the counts, without the steps, tasks and failures. */
  public record Summary(String runId, String workflow, String backend, String state, Long pid, String started, String error,
      int calls, int succeeded, int failed, int notRun, int waiting, int pending) {}

  public Summary summary() {
    return new Summary(runId, workflow, backend, state, pid, started, error, calls, succeeded, failed, notRun,
        waiting, pending);
  }

  /** The file beside a journal that keeps its summary while the journal does not change. */
  static final String SUMMARY_FILE = "summary.json";

  /** A run's summary as {@link #summary(RunDirectory)} keeps it: with the journal it was made from. */
  record KeptSummary(long journalSize, long journalModified, Summary summary) {}

  /**
   * A run's summary, for lists of runs ({@code taskwire runs}, the dashboard's runs page). A run no
   * client has open keeps its summary in {@value #SUMMARY_FILE} beside its journal, made again only
   * when the journal changes: a directory of many large runs is listed at the cost of their small
   * files, not of their journals. An open run is read from its journal (results skipped) every
   * time; a summary that cannot be kept (another user's runs) is only not kept.
   *
   * @throws org.taskwire.ConfigurationException if the journal is missing or damaged
   */
  public static Summary summary(RunDirectory dir) {
    Path journal = dir.journal();
    Path kept = dir.path().resolve(SUMMARY_FILE);
    long size;
    long modified;
    try {
      size = java.nio.file.Files.size(journal);
      modified = java.nio.file.Files.getLastModifiedTime(journal).toMillis();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new org.taskwire.ConfigurationException("no run journal at " + journal);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + journal + ": " + e.getMessage(), e);
    }
    boolean open = dir.openBy().isPresent();
    if (!open) {
      try {
        KeptSummary known = JournalWriter.MAPPER.readValue(kept.toFile(), KeptSummary.class);
        if (known.journalSize() == size && known.journalModified() == modified && known.summary() != null) {
          return known.summary();
        }
      } catch (java.io.IOException e) {
        // None kept yet, or one this version cannot read: made again below.
      }
    }
    Summary summary = of(dir, RecordedRun.read(journal, false)).summary();
    if (!open && !summary.state().equals("running")) {
      try {
        RunDirectory.writePrivate(kept, JournalWriter.MAPPER.writeValueAsBytes(new KeptSummary(size, modified, summary)));
      } catch (java.io.IOException e) {
        // Not ours to write: read from the journal again next time.
      }
    }
    return summary;
  }

  /** What to do with an interrupted run, for people. */
  public String resumeHint() {
    return "its client died; resume it by running the program again with -Dtaskwire.resume=" + runId
        + " (or taskwire.resume=last in its configuration)";
  }

  /** A run's state (see {@link RunView}), without the rest of its view. */
  public static String state(RunDirectory dir, RecordedRun run) {
    return state(dir.openBy(), run.closed());
  }

  private static String state(OptionalLong owner, JournalRecord.RunClosed closed) {
    return owner.isPresent() ? "running" : closed == null ? "interrupted" : closed.error() != null ? "failed" : "closed";
  }

  /**
   * The run in a run directory, its journal read whole, its results skipped (a view shows none):
   * a run of half a million calls is read in a fraction of the time and memory.
   *
   * @throws org.taskwire.ConfigurationException if the journal is missing, empty or damaged
   */
  public static RunView of(Path directory) {
    RunDirectory dir = RunDirectory.at(directory);
    return of(dir, RecordedRun.read(dir.journal(), false));
  }

  /** The run of a run directory as {@code run} (read whole, or followed by a {@link JournalTail}) tells it. */
  public static RunView of(RunDirectory dir, RecordedRun run) {
    JournalRecord.RunStarted start = run.start();
    OptionalLong owner = dir.openBy();
    JournalRecord.RunClosed closed = run.closed();
    String state = state(owner, closed);
    Map<Long, int[]> counts = new LinkedHashMap<>();
    Map<Long, String> works = new LinkedHashMap<>();
    Map<Long, Set<String>> handles = new LinkedHashMap<>();
    Map<String, int[]> steps = new LinkedHashMap<>();
    List<FailureView> failures = new ArrayList<>();
    Map<String, Map<String, Long>> filesByWork = new LinkedHashMap<>();
    Map<String, Set<String>> whereByWork = new LinkedHashMap<>();
    Map<Long, String> workOfCall = new java.util.HashMap<>();
    Set<EdgeView> edges = new LinkedHashSet<>();
    for (RecordedRun.Call call : run.calls()) {
      long task = call.declared().task();
      String work = shortWork(call.declared().work());
      workOfCall.put(call.declared().callId(), work);
      if (call.declared().dependsOn() != null) {
        for (Long input : call.declared().dependsOn()) {
          String from = workOfCall.get(input);
          if (from != null) {
            edges.add(new EdgeView(from, work));
          }
        }
      }
      int[] c = counts.computeIfAbsent(task, k -> new int[3]);
      int[] s = step(steps, work);
      works.putIfAbsent(task, work);
      for (JournalRecord.CallSubmitted submitted : call.submissions()) {
        String t = submitted.handle().get("task");
        if (t != null) {
          handles.computeIfAbsent(task, k -> new LinkedHashSet<>()).add(submitted.handle().get("system") + " task " + t);
        }
      }
      if (call.success() != null) {
        c[0]++;
        s[Step.SUCCEEDED]++;
        if (call.success().files() != null) {
          for (JournalRecord.KeptFile f : call.success().files()) {
            filesByWork.computeIfAbsent(work, k -> new LinkedHashMap<>()).put(f.uri(), f.size());
            whereByWork.computeIfAbsent(work, k -> new LinkedHashSet<>()).add(where(f.uri(), start.runId()));
          }
        }
      } else if (call.failure() != null) {
        c[1]++;
        s[Step.FAILED]++;
        JournalRecord.CallFailed f = call.failure();
        failures.add(new FailureView(f.callId(), work, f.attempt(), f.kind(), f.className(), firstLine(f.message()),
            f.logLocation(), f.backendDetail()));
      } else {
        c[2]++;
        s[call.submissions().isEmpty() ? Step.QUEUED : Step.RUNNING]++;
      }
    }
    run.waiting().forEach((work, n) -> step(steps, shortWork(work))[Step.WAITING] += n);
    run.notRun().forEach(n -> step(steps, shortWork(n.work()))[Step.NOT_RUN]++);
    List<TaskView> tasks = new ArrayList<>();
    counts.forEach((task, c) -> tasks.add(new TaskView(task, works.get(task), c[0] + c[1] + c[2], c[0], c[1], c[2],
        List.copyOf(handles.getOrDefault(task, Set.of())))));
    List<StepView> stepViews = new ArrayList<>();
    int[] all = new int[Step.SIZE];
    steps.forEach((work, s) -> {
      int total = 0;
      for (int i = 0; i < Step.SIZE; i++) {
        all[i] += s[i];
        total += s[i];
      }
      stepViews.add(new StepView(work, total, s[Step.WAITING], s[Step.QUEUED], s[Step.RUNNING], s[Step.SUCCEEDED],
          s[Step.FAILED], s[Step.NOT_RUN]));
    });
    int total = 0;
    for (int n : all) {
      total += n;
    }
    List<FilesView> files = new ArrayList<>();
    filesByWork.forEach((work, f) -> files.add(new FilesView(work, f.size(),
        f.values().stream().mapToLong(Long::longValue).sum(), List.copyOf(whereByWork.get(work)))));
    List<DatasetView> datasets = new ArrayList<>();
    for (JournalRecord.DatasetOpened d : run.datasets()) {
      String did = d.scope() + ":" + d.name();
      Map<String, Long> f = filesByWork.getOrDefault(shortWork(d.work()), Map.of());
      datasets.add(new DatasetView(shortWork(d.work()), did, d.rse(), d.rucio(), run.datasetClosed(did) ? "closed" : "open",
          f.size(), f.values().stream().mapToLong(Long::longValue).sum()));
    }
    return new RunView(start.runId(), start.workflowName(), start.workflowClass(), start.backend(), state,
        owner.isPresent() ? owner.getAsLong() : null, Instant.ofEpochMilli(start.at()).toString(),
        closed == null ? null : closed.error(), total, all[Step.SUCCEEDED], all[Step.FAILED], all[Step.NOT_RUN],
        all[Step.WAITING], all[Step.WAITING] + all[Step.QUEUED] + all[Step.RUNNING], List.copyOf(stepViews),
        List.copyOf(edges), List.copyOf(tasks), List.copyOf(failures), List.copyOf(files), List.copyOf(datasets));
  }

  /**
   * Where a kept file is, for people: a directory up to the run's own ({@code <data>/<run>/}), or
   * a storage element's door ({@code scheme://host:port/}).
   */
  static String where(String uri, String runId) {
    try {
      java.net.URI u = java.net.URI.create(uri);
      if ("file".equals(u.getScheme())) {
        String path = Path.of(u).toString();
        int at = path.indexOf("/" + runId + "/");
        return at >= 0 ? path.substring(0, at + runId.length() + 2) : Path.of(path).getParent() + "/";
      }
      return u.getScheme() + "://" + u.getAuthority() + "/";
    } catch (IllegalArgumentException e) {
      return uri;
    }
  }

  /** Indexes of a step's counts. */
  private static final class Step {
    static final int WAITING = 0;
    static final int QUEUED = 1;
    static final int RUNNING = 2;
    static final int SUCCEEDED = 3;
    static final int FAILED = 4;
    static final int NOT_RUN = 5;
    static final int SIZE = 6;
  }

  private static int[] step(Map<String, int[]> steps, String work) {
    return steps.computeIfAbsent(work, k -> new int[Step.SIZE]);
  }

  private static String shortWork(String workId) {
    int hash = workId.indexOf('#');
    return hash >= 0 ? workId.substring(hash + 1) : workId;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
