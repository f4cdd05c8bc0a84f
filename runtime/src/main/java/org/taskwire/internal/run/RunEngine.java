package org.taskwire.internal.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.TaskwireException;
import org.taskwire.WorkFailedException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.backend.RoutingBackend;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.progress.ProgressDisplay;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The engine of one run, under the public {@code WorkflowRun}: it opens the run's history, the
 * results shared across runs and the backend, encodes and plans calls, holds the calls that wait
 * for their inputs until they are ready, and on close fails what is outstanding and stops it all.
 * It knows no public handle type and no "current run": the facade turns what it returns into
 * {@code AsyncResult}s, so the engine can be opened, driven and closed on its own, several at a
 * time, in tests.
 */
public final class RunEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

  private final String runId;
  private final WorkflowDefinition workflow;
  private final KnownWorkflows workflows;
  private TaskwireConfig config;
  /** Null unless the run's files are registered in Rucio. */
  private org.taskwire.internal.data.rucio.DatasetRegistrar registrar;
  private final String backendName;
  private final RunHistory history;
  private final CallCollector collector;
  /** Null unless results are shared across runs. */
  private final SharedResults shared;
  private final Backend backend;
  private final CallPlanner planner;
  private final WaitingCalls waiting;
  private final Map<String, JobOptions> optionsByWork = new HashMap<>();
  private final long startedAt = System.nanoTime();
  private volatile boolean closed;
  private final DashboardLauncher.Served dashboard;
  /** How often the run's directory is looked at for requests from other processes (the dashboard). */
  private static final long REQUESTS_MILLIS = 250;
  /** The look at the run's requests, or null for a run without a directory. */
  private final java.util.concurrent.ScheduledFuture<?> requests;

  private RunEngine(WorkflowDefinition workflow, TaskwireConfig config) {
    this.backendName = config.get(ConfigKey.BACKEND);
    this.history = RunHistory.open(config, workflow, backendName, loaderOf(workflow));
    this.runId = history.runId();
    this.workflow = workflow;
    this.config = config;
    this.workflows = KnownWorkflows.discover(workflow);
    for (WorkDefinition<?, ?> work : workflow.works()) {
      optionsByWork.put(work.id(), config.jobOptions(workflow, work));
    }
    this.collector = new CallCollector(runId, history.journal());
    DashboardLauncher.Served served = null;
    try {
      served = Boolean.parseBoolean(config.get(ConfigKey.UI)) ? dashboard(config, runId) : null;
      this.shared = SharedResults.open(config, workflows.all());
      collector.share(shared);
      this.registrar = org.taskwire.internal.data.rucio.DatasetRegistrar.open(config, runId, history.journal());
      if (registrar != null) {
        // Workers keep files where Rucio will look for them: the storage element's door, in Rucio's names.
        this.config = config.with(ConfigKey.DATA_URL.name(), registrar.storeUrl(), "taskwire.rucio.rse");
        collector.registerFiles(registrar);
      }
      this.backend = backends(new BackendContext(runId, this.config, workflow, workflows.all(), collector,
          history.identity()));
    } catch (RuntimeException | Error e) {
      if (registrar != null) {
        registrar.close();
      }
      if (served != null) {
        served.close();
      }
      history.failedToStart(e);
      throw e;
    }
    this.dashboard = served;
    collector.attach(backend);
    this.planner = new CallPlanner(history, collector, shared, backend);
    this.waiting = new WaitingCalls(runId, history.journal(), backend::stepWindow, this::submitReady);
    // No thread of the run may die silently: its calls could wait forever for what it would have done.
    DaemonThreads.onThreadDeath(why -> collector.failAll(FailureKind.BACKEND, why));
    if (history.directory() != null) {
      requests = DaemonThreads.timer("taskwire-requests").scheduleWithFixedDelay(this::takeRequests,
          REQUESTS_MILLIS, REQUESTS_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } else {
      requests = null;
    }
  }

  /** Cancels the calls the dashboard asked to, as their callers would. */
  private void takeRequests() {
    try {
      for (long callId : history.directory().takeCancelRequests()) {
        if (collector.cancelFromOutside(callId, "cancelled from the dashboard")) {
          LOG.info("run {}: call {} cancelled from the dashboard", runId, callId);
        } else {
          LOG.info("run {}: call {} was to be cancelled from the dashboard, but it is not outstanding", runId, callId);
        }
      }
    } catch (RuntimeException e) {
      // An unreadable request is no reason to stop the run, nor to stop looking.
      LOG.warn("run {}: cannot take the requests in {}: {}", runId, history.directory().requests(), e.getMessage());
    }
  }

  /** The dashboard served from this client, its address printed once (taskwire.ui=true). */
  private static DashboardLauncher.Served dashboard(TaskwireConfig config, String runId) {
    if (!Boolean.parseBoolean(config.get(ConfigKey.JOURNAL))) {
      throw new ConfigurationException("taskwire.ui=true shows the run from its journal, but taskwire.journal is false");
    }
    DashboardLauncher launcher = java.util.ServiceLoader.load(DashboardLauncher.class, RunEngine.class.getClassLoader())
        .findFirst().orElseThrow(() -> new ConfigurationException("taskwire.ui=true needs the dashboard on the class "
            + "path: add the dependency org.taskwire:taskwire-dashboard (or run taskwire ui from another terminal)"));
    DashboardLauncher.Served served = launcher.start(RunHistory.runsDirectory(config), runId);
    System.err.println("taskwire: the dashboard of run " + runId + ": " + served.address());
    return served;
  }

  /**
   * The run's backend: {@code taskwire.backend}'s, or, when works name backends of their own
   * ({@code taskwire.work.<work>.backend}), each of them behind one that routes a task by its work.
   */
  private Backend backends(BackendContext context) {
    Map<String, String> ofWork = config.workBackends();
    java.util.Set<String> names = new java.util.LinkedHashSet<>(List.of(backendName));
    names.addAll(ofWork.values());
    if (names.size() == 1) {
      return Backends.create(backendName, context);
    }
    Map<String, Backend> byName = new java.util.LinkedHashMap<>();
    try {
      for (String name : names) {
        byName.put(name, Backends.create(name, context));
      }
    } catch (RuntimeException | Error e) {
      byName.values().forEach(Backend::close);
      throw e;
    }
    LOG.info("run {} runs its works on {}: {} on {}, the others on {}", runId, names, ofWork.keySet(),
        ofWork.values(), backendName);
    return new RoutingBackend(byName, work -> ofWork.getOrDefault(work, backendName));
  }

  /**
   * Opens the run's history, its shared results and its backend.
   *
   * @throws ConfigurationException for a bad configuration, recorded in the run's history
   */
  public static RunEngine start(WorkflowDefinition workflow, TaskwireConfig config) {
    return new RunEngine(workflow, config);
  }

  /**
   * Loads the configuration from its sources, with the values set in code on top, and opens the
   * run as above.
   *
   * @throws ConfigurationException for a bad configuration
   */
  public static RunEngine start(WorkflowDefinition workflow, TaskwireConfig.Sources sources, Map<String, String> code) {
    return new RunEngine(workflow, TaskwireConfig.load(sources, workflow, code, Backends.configKeys()));
  }

  /**
   * The loader the workflow's classes come from, which holds the class bytes of its code
   * version; if none finds it, this thread's (the code version then fails with advice).
   */
  private static ClassLoader loaderOf(WorkflowDefinition workflow) {
    try {
      return WorkflowClassPath.loaderOf(workflow.workflowClass());
    } catch (ConfigurationException e) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context != null ? context : RunEngine.class.getClassLoader();
    }
  }

  public String runId() {
    return runId;
  }

  public String backendName() {
    return backendName;
  }

  public WorkflowDefinition workflow() {
    return workflow;
  }

  /** The options a work runs with in this run, after annotations and configuration. */
  public JobOptions options(WorkDefinition<?, ?> work) {
    JobOptions options = optionsByWork.get(work.id());
    return options != null ? options : config.jobOptions(workflows.ownerOf(work), work);
  }

  /**
   * Encodes the calls of one proxy invocation (naming an argument that cannot travel) and plans
   * how each gets its result (see {@link CallPlanner}); the caller runs {@code send()} once it
   * holds the calls' futures.
   *
   * @throws org.taskwire.ArgumentEncodingException if an argument cannot travel
   * @throws IllegalStateException if the run is closed
   */
  public <A extends Record> CallPlanner.Planned plan(WorkDefinition<A, ?> work, List<A> arguments,
      TaskProgress progress) {
    checkOpen();
    WorkflowDefinition owner = workflows.ownerOf(work);
    JobOptions options = options(work);
    PayloadCodec codec = Codecs.of(owner, options.codec());
    List<byte[]> encoded = new ArrayList<>(arguments.size());
    for (A a : arguments) {
      encoded.add(ArgumentEncoder.encode(codec, work, a));
    }
    return planner.plan(owner, work, options, codec, arguments, encoded, null, progress);
  }

  /**
   * Holds one call until its inputs have succeeded, then builds its arguments from their values
   * and submits it with the calls of its fan-out that became ready at the same moment, as one
   * task. A failed input fails it without running, a cancelled one cancels it.
   *
   * @param fanOut what identifies the call's fan-out: calls of one fan-out go out together
   * @param future the call's future, handed to its caller already
   * @param cancel cancels the call as its caller would, so that what waits on it follows
   * @param submitted hears the call's id the moment it is submitted
   * @throws IllegalStateException if the run is closed
   */
  public <A extends Record> void submitWhenReady(WorkDefinition<A, ?> work, Object fanOut, TaskProgress progress,
      List<WaitingCalls.Input> inputs, Function<Object[], A> arguments, CompletableFuture<Object> future,
      Runnable cancel, LongConsumer submitted) {
    checkOpen();
    waiting.add(new WaitingCalls.Call(fanOut, work.name(), options(work).maxAttempts(), inputs, future, progress,
        cancel, new Assembly<>(work, arguments, submitted)));
  }

  /** What a waiting call needs to be submitted once its inputs' values are known. */
  private record Assembly<A extends Record>(WorkDefinition<A, ?> work, Function<Object[], A> arguments,
      LongConsumer submitted) {}

  /** Submits calls of one fan-out whose inputs have all succeeded; on the waiting calls' thread. */
  private void submitReady(List<WaitingCalls.Call> calls) {
    // Held for a step window, calls of one work name may belong to two workflows of the run.
    Map<WorkDefinition<?, ?>, List<WaitingCalls.Call>> byWork = new java.util.IdentityHashMap<>();
    for (WaitingCalls.Call call : calls) {
      byWork.computeIfAbsent(((Assembly<?>) call.attachment()).work(), w -> new ArrayList<>()).add(call);
    }
    byWork.forEach(this::submitReady);
  }

  private <A extends Record> void submitReady(WorkDefinition<A, ?> work, List<WaitingCalls.Call> calls) {
    WorkflowDefinition owner = workflows.ownerOf(work);
    JobOptions options = options(work);
    PayloadCodec codec = Codecs.of(owner, options.codec());
    List<A> arguments = new ArrayList<>(calls.size());
    List<byte[]> encoded = new ArrayList<>(calls.size());
    List<WaitingCalls.Call> going = new ArrayList<>(calls.size());
    for (WaitingCalls.Call call : calls) {
      @SuppressWarnings("unchecked")
      Assembly<A> assembly = (Assembly<A>) call.attachment();
      String unfit = Parameters.unfit(work, call.values());
      try {
        if (unfit != null) {
          throw new IllegalArgumentException(unfit);
        }
        A a = assembly.arguments().apply(call.values());
        encoded.add(ArgumentEncoder.encode(codec, work, a));
        arguments.add(a);
        going.add(call);
      } catch (RuntimeException e) {
        // Nothing ran: the inputs' values do not make arguments of this work.
        WaitingCalls.failWithoutRunning(call, new WorkFailedException(work.name(), FailureKind.BAD_PAYLOAD,
            e.getClass().getName(), "its arguments, built from its inputs' values, cannot travel: " + e.getMessage(),
            "", 0, options.maxAttempts(), null));
      }
    }
    if (going.isEmpty()) {
      return;
    }
    CallPlanner.Planned planned = planner.plan(owner, work, options, codec, arguments, encoded, going,
        going.get(0).progress());
    for (int i = 0; i < going.size(); i++) {
      ((Assembly<?>) going.get(i).attachment()).submitted().accept(planned.calls().get(i).callId());
    }
    planned.send().run();
    for (PendingCall call : planned.calls()) {
      if (call.future().isCancelled()) {
        collector.cancel(call.callId());
      }
    }
  }

  /** Cancels a submitted call: its backend stops it where it can, and it is not retried. */
  public void cancel(long callId) {
    collector.cancel(callId);
  }

  /**
   * Waits for {@code all}, showing the fan-out's progress as configured; returns when it ended,
   * however it ended (failures are read per call).
   *
   * @throws TaskwireException if the thread is interrupted
   */
  public void awaitWithProgress(String workName, TaskProgress progress, CompletableFuture<?> all) {
    try (ProgressDisplay display = ProgressDisplay.open(config.get(ConfigKey.PROGRESS), workName, progress.total(),
        config.get(ConfigKey.PROGRESS_INTERVAL))) {
      while (true) {
        display.update(progress.succeeded(), progress.failed(), progress.running(), progress.retried());
        try {
          all.get(200, TimeUnit.MILLISECONDS);
          display.update(progress.succeeded(), progress.failed(), progress.running(), progress.retried());
          return;
        } catch (TimeoutException e) {
          // keep showing progress
        } catch (ExecutionException e) {
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TaskwireException("interrupted while waiting for " + workName, e);
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this WorkflowRun is closed");
    }
  }

  /** Fails the calls still outstanding or waiting for inputs with {@code RUN_CLOSED} and stops the backend. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (requests != null) {
      requests.cancel(false);
    }
    try {
      int waitingForInputs = waiting.size();
      waiting.close();
      int outstanding = collector.outstanding();
      if (outstanding + waitingForInputs > 0) {
        LOG.warn("closing run {} with {} calls outstanding and {} waiting for their inputs; they fail with RUN_CLOSED",
            runId, outstanding, waitingForInputs);
      }
      if (registrar != null) {
        // Hands on the results whose files wait to be registered, and closes the complete datasets.
        registrar.close(outstanding + waitingForInputs == 0);
      }
      collector.failAll(FailureKind.RUN_CLOSED, "the WorkflowRun was closed before the call completed");
      backend.close();
      if (shared != null) {
        shared.close();
      }
      history.close(outstanding);
    } finally {
      if (dashboard != null) {
        dashboard.close();
      }
      // Its shared timers and clients stop with it, so a main that closed it ends at once.
      DaemonThreads.onThreadDeath(null);
      DaemonThreads.release();
      LOG.debug("run {} closed after {} ms", runId, (System.nanoTime() - startedAt) / 1_000_000);
    }
  }
}
