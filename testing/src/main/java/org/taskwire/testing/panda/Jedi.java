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
  final Map<Long, TaskRecord> tasks = new LinkedHashMap<>();
  final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
  /** Jobs waiting for a pilot. */
  final LinkedBlockingQueue<JobRecord> activated = new LinkedBlockingQueue<>();
  final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  volatile java.util.function.UnaryOperator<Map<String, String>> secretFilter = m -> m;

  Jedi(Duration refinerDelay) {
    this.refinerDelay = refinerDelay;
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

    JobRecord(long pandaId, TaskRecord task, FileRecord file, int attemptNr, String jobParameters) {
      this.pandaId = pandaId;
      this.task = task;
      this.file = file;
      this.attemptNr = attemptNr;
      this.jobParameters = jobParameters;
    }

    void set(String next) {
      status = next;
      modified = Instant.now();
    }
  }

  /** Stores a submitted task as DEFT does: not yet visible to JEDI's clients. */
  synchronized TaskRecord submit(String owner, Map<String, Object> params) {
    TaskRecord t = new TaskRecord(nextTaskId.incrementAndGet(), owner, params);
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
        t.files.add(new FileRecord(i, String.format("%06d:pseudo_file", i), "pseudo_file", maxAttempt));
      }
    } else {
      t.errorDialog = "the emulator runs only noInput tasks (with a pfnList, or nEvents/nEventsPerJob)";
      setStatus(t, "broken");
      return;
    }
    setStatus(t, "defined");
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
    JobRecord j = new JobRecord(nextJobId.incrementAndGet(), t, f, f.attemptNr, JobParameters.render(t, f, f.attemptNr));
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

  private static void setStatus(TaskRecord t, String status) {
    t.status = status;
    t.modified = Instant.now();
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
