package org.taskwire.testing.panda;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulator's JEDI: tasks walk {@code waiting} (invisible to {@code get_status}) →
 * {@code registered} → {@code defined} → {@code ready} → {@code running} → {@code done},
 * {@code finished} or {@code failed}, with one job per pseudo file; a failed job is retried as a new
 * job until its file's {@code maxAttempt}; {@code kill} goes through {@code aborting} to
 * {@code aborted} and cancels the jobs. Everything is guarded by this object's monitor.
 */
final class Jedi {
  static final Set<String> FINAL_TASK = Set.of("done", "finished", "failed", "broken", "aborted", "exhausted");
  static final Set<String> FINAL_JOB = Set.of("finished", "failed", "cancelled", "closed");
  /** Keys TaskRefinerBase.extractCommon reads directly; a task without one goes broken. */
  private static final List<String> REQUIRED = List.of("taskName", "userName", "vo", "prodSourceLabel", "taskPriority",
      "architecture", "transUses", "transHome", "processingType", "taskType", "jobParameters");
  private static final int MAX_RECORDS = 200_000;

  /**
   * Task ids as the real server's, above 10^7: pbook takes an id below that for a request id
   * (PBookCore.is_reqid) and looks its tasks up by reqID instead.
   */
  static final long FIRST_TASK_ID = 40_000_001;
  private final AtomicLong nextTaskId = new AtomicLong(FIRST_TASK_ID - 1);
  private final AtomicLong nextJobId = new AtomicLong(7_000_000);
  private final Duration refinerDelay;
  /** Where datasets live; null when the emulator was started without a Rucio. */
  final Ddm ddm;
  final Map<Long, TaskRecord> tasks = new LinkedHashMap<>();
  final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
  /** Jobs waiting for a pilot. */
  final LinkedBlockingQueue<JobRecord> activated = new LinkedBlockingQueue<>();
  final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  volatile java.util.function.UnaryOperator<Map<String, String>> secretFilter = m -> m;

  Jedi(Duration refinerDelay, Ddm ddm) {
    this.refinerDelay = refinerDelay;
    this.ddm = ddm;
  }

  static final class TaskRecord {
    final long id;
    final String owner;
    final Map<String, Object> params;
    final Instant submitted = Instant.now();
    String status = "waiting";
    String errorDialog = "";
    final List<FileRecord> files = new ArrayList<>();
    Instant modified = Instant.now();
    /** The task this one waits for ({@code parent_tid}), or null. */
    Long parentTid;
    /** The last serial number given to a job's outputs ({@code ${SN}}). */
    int serial;
    /** The input dataset ({@code dsForIN}), or null. */
    String inputDataset;
    final List<String> outputDatasets = new ArrayList<>();

    TaskRecord(long id, String owner, Map<String, Object> params) {
      this.id = id;
      this.owner = owner;
      this.params = params;
    }

    boolean visible() {
      return !"waiting".equals(status);
    }
  }

  static final class FileRecord {
    final int index;
    final String lfn;
    final String pfn;
    final int maxAttempt;
    int attemptNr;
    String status = "ready";
    final List<Long> jobs = new ArrayList<>();
    /** The input files this job reads (LFNs of the task's input dataset); empty for pseudo input. */
    List<String> inputs = List.of();
    /** The events of a pseudo file split by nEventsPerJob: JEDI's startEvent and endEvent, or -1. */
    long startEvent = -1;
    long endEvent = -1;

    FileRecord(int index, String lfn, String pfn, int maxAttempt) {
      this.index = index;
      this.lfn = lfn;
      this.pfn = pfn;
      this.maxAttempt = maxAttempt;
    }
  }

  static final class JobRecord {
    final long pandaId;
    final TaskRecord task;
    final FileRecord file;
    final int attemptNr;
    final String jobParameters;
    /** The job's output LFNs, each with the dataset it is registered in. */
    final Map<String, String> outputs;
    String status = "defined";
    final Instant created = Instant.now();
    Instant modified = Instant.now();
    Instant started;
    Instant ended;
    int transExitCode;
    int pilotErrorCode;
    String pilotErrorDiag = "";
    int exeErrorCode;
    String exeErrorDiag = "";
    int taskBufferErrorCode;
    String taskBufferErrorDiag = "";
    String pilotId = "";
    Object metadata;
    volatile boolean killRequested;
    volatile Process process;

    JobRecord(long pandaId, TaskRecord task, FileRecord file, int attemptNr, String jobParameters,
        Map<String, String> outputs) {
      this.pandaId = pandaId;
      this.task = task;
      this.file = file;
      this.attemptNr = attemptNr;
      this.jobParameters = jobParameters;
      this.outputs = outputs;
    }

    void set(String next) {
      status = next;
      modified = Instant.now();
    }
  }

  /** Stores a submitted task as DEFT does: not yet visible to JEDI's clients. */
  synchronized TaskRecord submit(String owner, Map<String, Object> params, Long parentTid) {
    TaskRecord t = new TaskRecord(nextTaskId.incrementAndGet(), owner, params);
    t.parentTid = parentTid;
    tasks.put(t.id, t);
    return t;
  }

  /** An active task of this owner and name, for the duplicate check of uniqueTaskName. */
  synchronized TaskRecord activeNamed(String owner, Object vo, Object label, Object name) {
    for (TaskRecord t : tasks.values()) {
      if (t.owner.equals(owner) && !FINAL_TASK.contains(t.status) && eq(t.params.get("taskName"), name)
          && eq(t.params.get("vo"), vo) && eq(t.params.get("prodSourceLabel"), label)) {
        return t;
      }
    }
    return null;
  }

  private static boolean eq(Object a, Object b) {
    return a == null ? b == null : a.equals(b);
  }

  /** One step of the refiner, brokerage and job bookkeeping; called by a ticker. */
  synchronized void tick() {
    Instant now = Instant.now();
    for (TaskRecord t : tasks.values()) {
      switch (t.status) {
        case "waiting" -> {
          if (t.submitted.plus(refinerDelay).isBefore(now)) {
            setStatus(t, "registered");
          }
        }
        case "registered" -> refine(t);
        case "defined" -> setStatus(t, "ready");
        case "ready" -> generate(t);
        case "running" -> finishIfDone(t);
        case "finishing" -> {
          if (t.files.stream().allMatch(f -> f.jobs.isEmpty() || FINAL_JOB.contains(jobs.get(f.jobs.get(f.jobs.size() - 1)).status))) {
            setStatus(t, t.files.stream().allMatch(f -> "finished".equals(f.status)) ? "done" : "finished");
          }
        }
        case "aborting" -> {
          for (FileRecord f : t.files) {
            for (long id : f.jobs) {
              kill(jobs.get(id), 100, "killed by the task's kill command");
            }
          }
          setStatus(t, "aborted");
        }
        default -> { }
      }
    }
    for (JobRecord j : jobs.values()) {
      if ("defined".equals(j.status)) {
        j.set("activated");
        activated.add(j);
      }
    }
  }

  private void refine(TaskRecord t) {
    for (String key : REQUIRED) {
      if (!t.params.containsKey(key)) {
        t.errorDialog = "task parameter '" + key + "' is missing (KeyError in the refiner)";
        setStatus(t, "broken");
        return;
      }
    }
    if (t.parentTid != null) {
      // TaskRefiner.checkParentTask_JEDI: done or finished releases the child, a corrupted parent fails it.
      TaskRecord parent = tasks.get(t.parentTid);
      String ps = parent == null ? "unknown" : parent.status;
      if (parent == null || Set.of("broken", "aborted", "failed").contains(ps)) {
        t.errorDialog = "parent task " + t.parentTid + " failed to complete";
        setStatus(t, "broken");
        return;
      }
      if (!Set.of("done", "finished").contains(ps) && !Boolean.TRUE.equals(t.params.get("noWaitParent"))) {
        t.errorDialog = "pending until parent task " + t.parentTid + " is done";
        return;
      }
      t.errorDialog = "";
    }
    Map<?, ?> input = template(t, "input").stream().findFirst().orElse(null);
    List<Map<?, ?>> outputs = template(t, "output");
    if ((input != null || !outputs.isEmpty()) && ddm == null) {
      t.errorDialog = "this emulator has no Rucio for the task's datasets: start it with Settings.withRucio";
      setStatus(t, "broken");
      return;
    }
    int maxAttempts = t.params.get("maxAttempt") instanceof Number num ? num.intValue() : 3;
    if (input != null) {
      String dataset = Ddm.plain(String.valueOf(input.get("dataset")));
      List<String> lfns;
      try {
        lfns = ddm.files(dataset);
      } catch (org.taskwire.internal.data.rucio.RucioException e) {
        t.errorDialog = "DataIdentifierNotFound".equals(e.exceptionClass())
            ? "UnknownDatasetError: " + dataset + " is not found in DDM" : "DDM: " + e.getMessage();
        if ("DataIdentifierNotFound".equals(e.exceptionClass())) {
          setStatus(t, "broken");
        }
        return;
      }
      if (input.get("exclude") instanceof String exclude && !exclude.isEmpty()) {
        java.util.regex.Pattern x = java.util.regex.Pattern.compile(exclude);
        lfns = lfns.stream().filter(l -> !x.matcher(l).find()).toList();
      }
      // Files in the order of their names, as the ContentsFeeder inserts them; jobs take them in that order.
      lfns = lfns.stream().sorted().toList();
      if (lfns.isEmpty()) {
        t.errorDialog = "the input dataset " + dataset + " has no files";
        setStatus(t, "broken");
        return;
      }
      // InputChunk.getSubChunk: without nFilesPerJob, up to 200 files per job.
      int per = t.params.get("nFilesPerJob") instanceof Number n ? n.intValue() : 200;
      t.inputDataset = dataset;
      for (int from = 0, i = 0; from < lfns.size(); from += per, i++) {
        FileRecord f = new FileRecord(i, lfns.get(from), Ddm.scope(dataset) + ":" + lfns.get(from), maxAttempts);
        f.inputs = List.copyOf(lfns.subList(from, Math.min(lfns.size(), from + per)));
        t.files.add(f);
      }
      createOutputs(t, outputs);
      setStatus(t, "defined");
      return;
    }
    Object pfns = t.params.get("pfnList");
    if (Boolean.TRUE.equals(t.params.get("noInput")) && pfns instanceof List<?> list) {
      int n = t.params.get("nFiles") instanceof Number num ? num.intValue() : 1;
      if (n > list.size() || n > MAX_RECORDS) {
        t.errorDialog = "nFiles " + n + " exceeds the pfnList (" + list.size() + ") or " + MAX_RECORDS;
        setStatus(t, "broken");
        return;
      }
      int maxAttempt = t.params.get("maxAttempt") instanceof Number num ? num.intValue() : 3;
      for (int i = 0; i < n; i++) {
        String pfn = String.valueOf(list.get(i)).split("\\^")[0];
        String base = pfn.substring(pfn.lastIndexOf('/') + 1);
        t.files.add(new FileRecord(i, String.format("%06d:%s", i, base), pfn, maxAttempt));
      }
    } else if (Boolean.TRUE.equals(t.params.get("noInput"))) {
      // prun --nJobs N / --nEventsPerJob: JEDI makes ceil(nEvents / nEventsPerJob) jobs over pseudo input.
      long events = t.params.get("nEvents") instanceof Number num ? num.longValue() : 1;
      long perJob = t.params.get("nEventsPerJob") instanceof Number num ? num.longValue() : events;
      if (events < 1 || perJob < 1) {
        t.errorDialog = "nEvents " + events + " and nEventsPerJob " + perJob + " must be positive";
        setStatus(t, "broken");
        return;
      }
      long n = (events + perJob - 1) / perJob;
      if (n > MAX_RECORDS) {
        t.errorDialog = "nEvents/nEventsPerJob gives " + n + " jobs, more than " + MAX_RECORDS;
        setStatus(t, "broken");
        return;
      }
      int maxAttempt = t.params.get("maxAttempt") instanceof Number num ? num.intValue() : 3;
      for (int i = 0; i < n; i++) {
        FileRecord f = new FileRecord(i, String.format("%06d:pseudo_file", i), "pseudo_file", maxAttempt);
        if (t.params.get("nEventsPerJob") instanceof Number) {
          f.startEvent = i * perJob;
          f.endEvent = Math.min(events, (i + 1) * perJob) - 1;
        }
        t.files.add(f);
      }
    } else {
      t.errorDialog = "the emulator runs noInput tasks (with a pfnList, or nEvents/nEventsPerJob) and tasks whose "
          + "input is a dataset (an input template with a dataset, and dsForIN)";
      setStatus(t, "broken");
      return;
    }
    createOutputs(t, outputs);
    setStatus(t, "defined");
  }

  /** The jobParameters items of a template kind ({@code input}, {@code output}, {@code log}) that name a dataset. */
  static List<Map<?, ?>> template(TaskRecord t, String paramType) {
    List<Map<?, ?>> out = new ArrayList<>();
    if (t.params.get("jobParameters") instanceof List<?> items) {
      for (Object o : items) {
        if (o instanceof Map<?, ?> m && "template".equals(m.get("type")) && paramType.equals(m.get("param_type"))
            && m.get("dataset") != null) {
          out.add(m);
        }
      }
    }
    return out;
  }

  /** The server registers a task's output datasets when it defines the task. */
  private void createOutputs(TaskRecord t, List<Map<?, ?>> outputs) {
    for (Map<?, ?> o : outputs) {
      String dataset = Ddm.plain(String.valueOf(o.get("dataset")));
      if (!t.outputDatasets.contains(dataset)) {
        ddm.createOutput(dataset);
        t.outputDatasets.add(dataset);
      }
    }
  }

  private void generate(TaskRecord t) {
    for (FileRecord f : t.files) {
      newJob(t, f);
    }
    setStatus(t, "running");
  }

  private void newJob(TaskRecord t, FileRecord f) {
    f.attemptNr++;
    f.status = "running";
    // Each job, retries too, takes the next serial number, so no two jobs' outputs share a name.
    int serial = ++t.serial;
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Map<?, ?> o : template(t, "output")) {
      outputs.put(JobParameters.resolve(t, f, f.attemptNr, serial, String.valueOf(o.get("value"))),
          Ddm.plain(String.valueOf(o.get("dataset"))));
    }
    JobRecord j = new JobRecord(nextJobId.incrementAndGet(), t, f, f.attemptNr,
        JobParameters.render(t, f, f.attemptNr, serial), Map.copyOf(outputs));
    f.jobs.add(j.pandaId);
    jobs.put(j.pandaId, j);
  }

  /** A pilot's final report on a job; a failure is retried while the file has attempts left. */
  synchronized void jobEnded(JobRecord j) {
    j.ended = Instant.now();
    FileRecord f = j.file;
    if ("finished".equals(j.status)) {
      f.status = "finished";
    } else if ("failed".equals(j.status)) {
      if (f.attemptNr < f.maxAttempt && "running".equals(j.task.status)) {
        newJob(j.task, f);
      } else {
        f.status = "failed";
      }
    } else if ("cancelled".equals(j.status)) {
      f.status = "failed";
    }
  }

  private void finishIfDone(TaskRecord t) {
    long finished = t.files.stream().filter(f -> "finished".equals(f.status)).count();
    long failed = t.files.stream().filter(f -> "failed".equals(f.status)).count();
    if (finished + failed == t.files.size()) {
      setStatus(t, failed == 0 ? "done" : finished == 0 ? "failed" : "finished");
    }
  }

  /** Cancels a job: a pilot running it is told to stop. */
  synchronized boolean kill(JobRecord j, int code, String why) {
    if (j == null || FINAL_JOB.contains(j.status)) {
      return false;
    }
    j.killRequested = true;
    j.taskBufferErrorCode = code;
    j.taskBufferErrorDiag = why;
    Process p = j.process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    j.set("cancelled");
    activated.remove(j);
    jobEnded(j);
    return true;
  }

  private void setStatus(TaskRecord t, String status) {
    t.status = status;
    t.modified = Instant.now();
    if (FINAL_TASK.contains(status) && ddm != null) {
      // GenPostProcessor.doPostProcess: the task's output datasets are frozen when it ends.
      for (String dataset : t.outputDatasets) {
        try {
          ddm.close(dataset);
        } catch (RuntimeException e) {
          t.errorDialog = "could not close " + dataset + ": " + e.getMessage();
        }
      }
    }
  }

  /**
   * The finish command: no new jobs or retries; jobs not yet running are cancelled, running ones
   * too unless {@code soft}; the task ends finished (or done, when every file succeeded).
   */
  synchronized void finish(TaskRecord t, boolean soft) {
    setStatus(t, "finishing");
    for (FileRecord f : t.files) {
      if (f.jobs.isEmpty()) {
        f.status = "failed";
        continue;
      }
      JobRecord last = jobs.get(f.jobs.get(f.jobs.size() - 1));
      boolean running = Set.of("sent", "starting", "running", "holding", "transferring").contains(last.status);
      if (!soft || !running) {
        kill(last, 100, "killed by the task's finish command");
      }
    }
  }

  /** Retries the failed files of a finished or failed task, with fresh attempts. */
  synchronized void retry(TaskRecord t) {
    for (FileRecord f : t.files) {
      if ("failed".equals(f.status)) {
        f.attemptNr = 0;
        f.status = "ready";
      }
    }
    setStatus(t, "running");
    for (FileRecord f : t.files) {
      if ("ready".equals(f.status)) {
        newJob(t, f);
      }
    }
  }
}
