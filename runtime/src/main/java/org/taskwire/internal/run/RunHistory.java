package org.taskwire.internal.run;

import com.carrotsearch.hppc.LongIntHashMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.CallKeys;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.JournalWriter;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunJournal;
import org.taskwire.internal.transport.message.ResultIdentity;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * A run's past and its record: the journal it writes, and, when it resumes an earlier run, what
 * that run recorded. It gives each call made now its key, so that a resumed run finds the calls it
 * made before whatever the order of their arguments' maps and sets.
 */
public final class RunHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);
  /** Every file of the class path, as the sandbox holds it, enters the keys. */
  private static final String POLICY_SANDBOX = "sandbox";

  private final String runId;
  private final RunDirectory directory;
  private RunJournal journal;
  private final RecordedRun recorded;
  private final String policy;
  private final TaskwireConfig config;
  private final ClassLoader loader;
  /** Hashes of workflow classes' bytes, by class. */
  private final Map<String, String> classVersions = new ConcurrentHashMap<>();
  /** Under policy none, a resumed run keys its calls with the versions its works were recorded with. */
  private final Map<String, String> recordedVersions = new ConcurrentHashMap<>();
  /**
   * How often each key was used in this run, by its first 64 bits: kept for the whole run, so
   * about 16 bytes per distinct call in a primitive map rather than its 40-character key. Two keys sharing 64 bits only
   * share a count, and the same calls in the same order number the same way on a resume.
   */
  private final LongIntHashMap occurrences = new LongIntHashMap();
  private ResultIdentity identity = ResultIdentity.random();

  private RunHistory(String runId, RunDirectory directory, RunJournal journal, RecordedRun recorded, String policy,
      ClassLoader loader, TaskwireConfig config) {
    this.config = config;
    this.runId = runId;
    this.directory = directory;
    this.journal = journal;
    this.recorded = recorded;
    this.policy = policy;
    this.loader = loader;
  }

  /**
   * Opens the journal of a new run, or of the run {@code taskwire.resume} names, or of the run
   * the {@code taskwire.run-file} names.
   */
  public static RunHistory open(TaskwireConfig config, WorkflowDefinition workflow, String backend,
      ClassLoader loader) {
    String resume = config.get(ConfigKey.RESUME).trim();
    String policy = config.get(ConfigKey.CODE_VERSION);
    Path runFile = config.get(ConfigKey.RUN_FILE).isBlank() ? null : config.path(ConfigKey.RUN_FILE);
    if (!Boolean.parseBoolean(config.get(ConfigKey.JOURNAL))) {
      if (!resume.isEmpty() || runFile != null) {
        throw new ConfigurationException((resume.isEmpty() ? "taskwire.run-file" : "taskwire.resume")
            + " needs the run's journal, but taskwire.journal is false");
      }
      return new RunHistory(newRunId(), null, RunJournal.OFF, null, policy, loader, config);
    }
    Path root = runsDirectory(config);
    if (runFile != null) {
      resume = resumeFromRunFile(runFile, resume);
    }
    if (resume.isEmpty()) {
      String runId = newRunId();
      RunDirectory dir = RunDirectory.create(root, runId);
      if (runFile != null) {
        writeRunFile(runFile, runId);
      }
      dir.lock();
      RunHistory history = new RunHistory(runId, dir, new RunJournal(openWriter(dir)), null, policy, loader, config);
      history.keepIdentity();
      Map<String, String> versions = new java.util.TreeMap<>();
      workflow.works().forEach(w -> versions.put(w.id(), history.codeVersion(workflow, w)));
      history.journal.append(new JournalRecord.RunStarted(runId, workflow.workflowClass(), workflow.name(), backend,
          System.currentTimeMillis(), ProcessHandle.current().pid(), policy, versions, config.withoutSecrets(),
          shipsSandbox(config, backend) ? sandboxKey(config, workflow) : null));
      return history;
    }
    RunDirectory dir = RunDirectory.find(root, resume);
    dir.lock();
    try {
      RecordedRun run = RecordedRun.read(dir.journal());
      JournalRecord.RunStarted start = run.start();
      if (!start.workflowClass().equals(workflow.workflowClass())) {
        throw new ConfigurationException("run " + dir.runId() + " is a run of " + start.workflowClass() + ", not of "
            + workflow.workflowClass() + ": resume it from " + start.workflowClass() + "'s tasks, or start a new run");
      }
      RunHistory opened = new RunHistory(dir.runId(), dir, null, run, policy, loader, config);
      opened.checkCode(start, workflow);
      opened.journal = new RunJournal(openWriter(dir));
      opened.readIdentity();
      opened.journal.append(new JournalRecord.RunResumed(System.currentTimeMillis(), ProcessHandle.current().pid()));
      long done = run.calls().stream().filter(c -> c.success() != null).count();
      LOG.info("resuming run {}: {} calls recorded, {} of them succeeded", dir.runId(), run.calls().size(), done);
      return opened;
    } catch (RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /** The run a run file names, or empty where there is no file yet; refuses a different {@code taskwire.resume}. */
  private static String resumeFromRunFile(Path runFile, String resume) {
    if (!java.nio.file.Files.exists(runFile)) {
      return resume;
    }
    String named;
    try {
      named = java.nio.file.Files.readString(runFile).strip();
    } catch (java.io.IOException e) {
      throw new ConfigurationException("taskwire.run-file = " + runFile + ": cannot read it: " + e.getMessage(), e);
    }
    if (named.isEmpty() || named.contains("\n")) {
      throw new ConfigurationException("taskwire.run-file = " + runFile + " holds no run id (one line expected); "
          + "delete it to start a new run");
    }
    if (!resume.isEmpty() && !resume.equals(named)) {
      throw new ConfigurationException("taskwire.resume = " + resume + " and taskwire.run-file = " + runFile
          + " (run " + named + ") name different runs; set one of them");
    }
    return named;
  }

  private static void writeRunFile(Path runFile, String runId) {
    try {
      Path parent = runFile.toAbsolutePath().getParent();
      java.nio.file.Files.createDirectories(parent);
      Path tmp = parent.resolve(runFile.getFileName() + ".tmp");
      java.nio.file.Files.writeString(tmp, runId + "\n");
      java.nio.file.Files.move(tmp, runFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new ConfigurationException("taskwire.run-file = " + runFile + ": cannot write the run's id to it: "
          + e.getMessage(), e);
    }
  }

  /**
   * Refuses a run some of whose works' code changed since it was recorded, unless the policy is
   * {@code none}, which keys calls with the recorded versions as they are.
   */
  private void checkCode(JournalRecord.RunStarted start, WorkflowDefinition workflow) {
    if (CallKeys.POLICY_NONE.equals(policy)) {
      recordedVersions.putAll(start.codeVersions());
      return;
    }
    if (CallKeys.POLICY_NONE.equals(start.codePolicy())) {
      throw new ConfigurationException("run " + runId + " was recorded with taskwire.code-version=none, so its "
          + "calls' keys hold no code version; resume it with taskwire.code-version=none");
    }
    java.util.List<String> changed = new java.util.ArrayList<>();
    String then = "";
    String now = "";
    for (WorkDefinition<?, ?> work : workflow.works()) {
      String recordedVersion = start.codeVersions().get(work.id());
      String current = codeVersion(workflow, work);
      if (recordedVersion != null && !recordedVersion.equals(current)) {
        changed.add(work.name());
        then = recordedVersion;
        now = current;
      }
    }
    if (!changed.isEmpty()) {
      throw new ConfigurationException("the code of " + workflow.workflowClass() + " changed since run " + runId
          + " was recorded: " + String.join(", ", changed) + (changed.size() == 1 ? " has" : " have")
          + " code version " + now + ", not " + then + ", so their calls would run again. Set "
          + "taskwire.code-version=none to resume it anyway, matching calls by their arguments alone, or pin "
          + "@Work(version = \"...\") on the works whose results stay valid");
    }
  }

  private static boolean shipsSandbox(TaskwireConfig config, String backend) {
    return org.taskwire.internal.backend.Backends.provider(backend).shipsSandbox(config);
  }

  /** The key of the sandbox's content, or null (with a note) when the class path cannot be told here. */
  private static String sandboxKey(TaskwireConfig config, WorkflowDefinition workflow) {
    try {
      return RunSandbox.contentKey(config, workflow);
    } catch (RuntimeException e) {
      LOG.debug("the run's journal records no sandbox key: {}", e.getMessage());
      return null;
    }
  }

  /** Keeps the run's route and signing key in its directory (0600), for a resumed client. */
  private void keepIdentity() {
    try {
      java.io.StringWriter text = new java.io.StringWriter();
      identity.toProperties().store(text, "the route and signing key of run " + runId + "'s results");
      RunDirectory.writePrivate(directory.transport(), text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      LOG.warn("cannot keep the result keys of run {} in {}: {}; if it is resumed, messages sent before will be "
          + "refused and results come from the jobs' records", runId, directory.transport(), e.getMessage());
    }
  }

  /** Takes the route and signing key the run had, so that messages sent to the client before are accepted. */
  private void readIdentity() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(directory.transport())) {
      p.load(in);
      identity = ResultIdentity.fromProperties(p);
    } catch (java.io.IOException | IllegalArgumentException e) {
      LOG.warn("cannot read the result keys of run {} from {} ({}); messages sent to the client before are "
          + "refused, and their results come from the jobs' records", runId, directory.transport(), e.getMessage());
      keepIdentity();
    }
  }

  /** The route and signing key of this run's results: kept across a resume. */
  public ResultIdentity identity() {
    return identity;
  }

  private static JournalWriter openWriter(RunDirectory dir) {
    try {
      return JournalWriter.open(dir.journal());
    } catch (java.io.IOException e) {
      dir.close();
      throw new ConfigurationException("cannot open the run journal " + dir.journal() + ": " + e.getMessage()
          + "; set taskwire.runs-dir to a writable directory, or taskwire.journal=false", e);
    }
  }

  private static String newRunId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** Configuration as the commands read it: for no workflow in particular. */
  private static final WorkflowDefinition NO_WORKFLOW = WorkflowDefinition.of("taskwire.cli", "taskwire",
      org.taskwire.spi.JobOptions.NONE, java.util.List.of(), java.util.List.of());

  /**
   * The configuration layers of this machine (file, environment, system properties) under
   * {@code values}, as {@code taskwire} commands and the dashboard read them. Keys for one work
   * ({@code taskwire.work.*}) are left out of the layers that could hold them: they serve no
   * workflow in particular.
   */
  public static TaskwireConfig commandConfig(Map<String, String> values) {
    TaskwireConfig.Sources system = TaskwireConfig.Sources.system();
    java.util.Properties properties = new java.util.Properties();
    system.systemProperties().stringPropertyNames().stream().filter(k -> !isWorkKey(k))
        .forEach(k -> properties.setProperty(k, system.systemProperties().getProperty(k)));
    Map<String, String> code = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (!isWorkKey(k)) {
        code.put(k, v);
      }
    });
    return TaskwireConfig.load(new TaskwireConfig.Sources(system.classLoader(), system.homeDirectory(),
        system.environment(), properties), NO_WORKFLOW, code, org.taskwire.internal.backend.Backends.configKeys());
  }

  private static boolean isWorkKey(String key) {
    return key.startsWith("taskwire.work.");
  }

  /** The run's directory, or null when it keeps no journal. */
  public RunDirectory directory() {
    return directory;
  }

  /** Where runs are kept: {@code taskwire.runs-dir}, {@code ~/} expanded. */
  public static Path runsDirectory(TaskwireConfig config) {
    return config.path(ConfigKey.RUNS_DIR);
  }

  /** The version a work's calls are keyed with: pinned by hand, else the policy's. */
  private String codeVersion(WorkflowDefinition owner, WorkDefinition<?, ?> work) {
    String recordedVersion = recordedVersions.get(work.id());
    if (recordedVersion != null) {
      return recordedVersion;
    }
    if (!work.version().isEmpty()) {
      return "pinned:" + work.version();
    }
    if (POLICY_SANDBOX.equals(policy)) {
      return classVersions.computeIfAbsent("sandbox:" + owner.workflowClass(),
          c -> "sandbox:" + RunSandbox.contentKey(config, owner).substring(0, 16));
    }
    return classVersions.computeIfAbsent(owner.workflowClass(), c -> CallKeys.codeVersion(policy, c, loader));
  }

  public String runId() {
    return runId;
  }

  public RunJournal journal() {
    return journal;
  }

  /** Whether this run resumes an earlier one. */
  public boolean resumes() {
    return recorded != null;
  }

  /** The key of a call made now, counting identical calls made before in this run. */
  public synchronized String key(WorkflowDefinition owner, WorkDefinition<?, ?> work, String codec, Record arguments) {
    String key = CallKeys.key(owner.workflowClass(), work.id(), codeVersion(owner, work), codec, arguments);
    int n = occurrences.addTo(Long.parseUnsignedLong(key, 0, 16, 16), 1) - 1;
    return CallKeys.withOccurrence(key, n);
  }

  /** The recorded call of a key, or null (not resuming, or a call the earlier run never made). */
  public RecordedRun.Call recorded(String key) {
    return recorded == null ? null : recorded.byKey(key);
  }

  /** The first call id free for new calls. */
  public long callIdsUsed() {
    return recorded == null ? 0 : recorded.maxCallId();
  }

  /** The first task number free for new tasks. */
  public long tasksUsed() {
    return recorded == null ? 0 : recorded.maxTask();
  }

  /** Records the run's close, waits for the journal to be on disk and lets another process resume it. */
  public void close(int outstanding) {
    journal.append(new JournalRecord.RunClosed(System.currentTimeMillis(), outstanding));
    journal.close();
    if (directory != null) {
      directory.close();
    }
  }

  /** Records that the run failed to start, with the error that stopped it, and lets it go. */
  public void failedToStart(Throwable error) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    journal.append(new JournalRecord.RunClosed(System.currentTimeMillis(), 0, message));
    journal.close();
    if (directory != null) {
      directory.close();
    }
  }

  @Override
  public void close() {
    close(0);
  }
}
