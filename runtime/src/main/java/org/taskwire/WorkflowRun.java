package org.taskwire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.run.ArgumentEncoder;
import org.taskwire.internal.run.CallCollector;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.run.CallPlanner;
import org.taskwire.internal.run.KnownWorkflows;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.RunHistory;
import org.taskwire.internal.run.SharedResults;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.progress.ProgressDisplay;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * A session of one workflow: it owns the backend and the outstanding calls. Open it from
 * {@code main} with the generated {@code XxxTasks.start()} in a try-with-resources block (iDDS's
 * {@code with workflow:}); the generated proxies submit through the run that is open. Closing it
 * fails the calls still outstanding and stops the backend.
 *
 * <p>One run is open at a time per JVM.
 */
public final class WorkflowRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRun.class);
  private static final AtomicReference<WorkflowRun> CURRENT = new AtomicReference<>();

  private final String runId;
  private final WorkflowDefinition workflow;
  private final KnownWorkflows workflows;
  private final TaskwireConfig config;
  private final String backendName;
  private final CallCollector collector;
  private final RunHistory history;
  private final SharedResults shared;
  private final Backend backend;
  private final CallPlanner planner;
  private final DependentCalls dependents;
  private final Map<String, JobOptions> optionsByWork = new HashMap<>();
  private final long startedAt = System.nanoTime();
  private volatile boolean closed;

  private WorkflowRun(WorkflowDefinition workflow, TaskwireConfig config) {
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
    try {
      this.shared = SharedResults.open(config, workflows.all());
    } catch (RuntimeException | Error e) {
      history.failedToStart(e);
      throw e;
    }
    collector.share(shared);
    Backend started;
    try {
      started = Backends.create(backendName,
          new BackendContext(runId, config, workflow, workflows.all(), collector, history.identity()));
    } catch (RuntimeException | Error e) {
      history.failedToStart(e);
      throw e;
    }
    this.backend = started;
    collector.attach(backend);
    this.planner = new CallPlanner(history, collector, shared, backend);
    this.dependents = new DependentCalls(this, workflows, planner, collector, history.journal());
    // No thread of the run may die silently: its calls could wait forever for what it would have done.
    DaemonThreads.onThreadDeath(why -> collector.failAll(FailureKind.BACKEND, why));
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
      return context != null ? context : WorkflowRun.class.getClassLoader();
    }
  }

  /** A builder for a run of the given workflow; generated {@code XxxTasks.builder()} calls this. */
  public static Builder builder(WorkflowDefinition workflow) {
    return new Builder(workflow);
  }

  /**
   * The run that is open.
   *
   * @throws IllegalStateException if none is
   */
  public static WorkflowRun current() {
    WorkflowRun run = CURRENT.get();
    if (run == null) {
      throw new IllegalStateException("no WorkflowRun is open: open one around the calls, e.g. "
          + "try (WorkflowRun run = MyWorkflowTasks.start()) { ... }");
    }
    return run;
  }

  /** This run's id: 128 random bits in hex. */
  public String runId() {
    return runId;
  }

  /** The backend's name, e.g. {@code local}. */
  public String backendName() {
    return backendName;
  }

  /** The workflow this run was opened for. */
  public WorkflowDefinition workflow() {
    return workflow;
  }

  /** The options a work runs with in this run, after annotations and configuration. */
  public JobOptions options(WorkDefinition<?, ?> work) {
    JobOptions options = optionsByWork.get(work.id());
    if (options == null) {
      WorkflowDefinition owner = workflows.ownerOf(work);
      options = config.jobOptions(owner, work);
    }
    return options;
  }

  /**
   * Submits one call; generated {@code xxxAsync} proxies call this.
   *
   * @throws ArgumentEncodingException if an argument cannot travel
   */
  public <A extends Record, R> AsyncResult<R> submit(WorkDefinition<A, R> work, A arguments) {
    Objects.requireNonNull(arguments, "arguments");
    CallPlanner.Planned prepared = prepare(work, List.of(arguments));
    PendingCall call = prepared.calls().get(0);
    prepared.send().run();
    return asyncResult(work, call);
  }

  /**
   * Submits one task of many calls and waits for all of them; generated {@code xxxMap} proxies
   * call this. Shows progress while waiting.
   *
   * @return every call's outcome, keyed by its arguments, in input order
   * @throws IllegalArgumentException if the list is null, holds a null or holds the same arguments twice
   * @throws ArgumentEncodingException if an argument cannot travel
   */
  public <A extends Record, R> MapResult<A, R> submitAll(WorkDefinition<A, R> work, List<A> arguments) {
    if (arguments == null) {
      throw new IllegalArgumentException("the fan-out list of " + work.name() + " is null");
    }
    Map<A, Integer> seen = new HashMap<>();
    for (int i = 0; i < arguments.size(); i++) {
      A a = arguments.get(i);
      if (a == null) {
        throw new IllegalArgumentException("element " + i + " of the fan-out list of " + work.name() + " is null");
      }
      Integer before = seen.putIfAbsent(a, i);
      if (before != null) {
        throw new IllegalArgumentException("elements " + before + " and " + i + " of the fan-out list of "
            + work.name() + " are equal (" + a + "); results are keyed by arguments, so each call must be distinct");
      }
    }
    if (arguments.isEmpty()) {
      return new MapResult<>(Map.of());
    }
    CallPlanner.Planned prepared = prepare(work, arguments);
    prepared.send().run();
    List<CompletableFuture<Object>> futures = prepared.calls().stream().map(PendingCall::future).toList();
    waitWithProgress(work, prepared.progress(), CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])));
    Map<A, Outcome<R>> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < arguments.size(); i++) {
      outcomes.put(arguments.get(i), outcome(futures.get(i)));
    }
    return new MapResult<>(outcomes);
  }

  @SuppressWarnings("unchecked")
  private static <R> Outcome<R> outcome(CompletableFuture<Object> future) {
    try {
      return new Outcome.Success<>((R) future.join());
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkFailedException) {
        return new Outcome.Failure<>((WorkFailedException) cause);
      }
      throw e;
    }
  }

  void waitWithProgress(WorkDefinition<?, ?> work, TaskProgress progress, CompletableFuture<?> all) {
    try (ProgressDisplay display = ProgressDisplay.open(config.get(ConfigKey.PROGRESS), work.name(), progress.total(),
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
          return; // failures are read per call
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TaskwireException("interrupted while waiting for " + work.name(), e);
        }
      }
    }
  }

  /**
   * Encodes the calls of one proxy invocation (naming an argument that cannot travel) and plans
   * how each gets its result: see {@link CallPlanner}.
   */
  private <A extends Record> CallPlanner.Planned prepare(WorkDefinition<A, ?> work, List<A> arguments) {
    return prepare(work, arguments, new TaskProgress(arguments.size()));
  }

  <A extends Record> CallPlanner.Planned prepare(WorkDefinition<A, ?> work, List<A> arguments,
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
   * Submits one call whose arguments are {@link In}s, the moment they have all succeeded;
   * generated handle overloads {@code xxxAsync(In<A> a, ...)} call this. A call whose inputs are
   * all values known now is submitted at once, as {@link #submit} would.
   *
   * @param inputs one per parameter, in order
   * @param arguments builds the argument record from the inputs' values, in parameter order
   * @throws IllegalArgumentException if an input is null or belongs to another run
   * @throws ArgumentEncodingException if a value known now cannot travel
   */
  public <A extends Record, R> AsyncResult<R> submitWhenReady(WorkDefinition<A, R> work, List<In<?>> inputs,
      Function<Object[], A> arguments) {
    checkOpen();
    return dependents.submitWhenReady(work, inputs, arguments);
  }

  /**
   * Submits one call per key, keyed by the caller's own record, without waiting; generated
   * {@code xxxMapAsync(keys, call)} proxies call this. Calls whose inputs are all values known now
   * go out at once as one task; the others each go out the moment their inputs have succeeded
   * (those that become ready together, as one task).
   *
   * @param inputs builds one key's inputs, one per parameter
   * @param arguments builds the argument record from one call's input values
   * @throws IllegalArgumentException if the keys are null, hold a null or the same key twice, or a
   *     key's inputs are null or belong to another run
   * @throws ArgumentEncodingException if a value known now cannot travel
   */
  public <K, A extends Record, R> AsyncMapResult<K, R> submitKeyed(WorkDefinition<A, R> work, Collection<K> keys,
      Function<? super K, List<In<?>>> inputs, Function<Object[], A> arguments) {
    checkOpen();
    return dependents.submitKeyed(work, keys, inputs, arguments);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this WorkflowRun is closed");
    }
  }

  <R> AsyncResult<R> asyncResult(WorkDefinition<?, R> work, PendingCall call) {
    @SuppressWarnings("unchecked")
    CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) call.future();
    long callId = call.callId();
    return new AsyncResult<>(runId, work.name(), () -> callId, typed, () -> collector.cancel(callId));
  }

  /** Fails the calls still outstanding, stops the backend and lets another run open. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      int waitingForInputs = dependents.waitingForInputs();
      dependents.close();
      int outstanding = collector.outstanding();
      if (outstanding + waitingForInputs > 0) {
        LOG.warn("closing run {} with {} calls outstanding and {} waiting for their inputs; they fail with RUN_CLOSED",
            runId, outstanding, waitingForInputs);
      }
      collector.failAll(FailureKind.RUN_CLOSED, "the WorkflowRun was closed before the call completed");
      backend.close();
      if (shared != null) {
        shared.close();
      }
      history.close(outstanding);
    } finally {
      CURRENT.compareAndSet(this, null);
      // One run is open per JVM: its shared timers and clients stop with it, so a main that closed it ends at once.
      DaemonThreads.onThreadDeath(null);
      DaemonThreads.release();
      LOG.debug("run {} closed after {} ms", runId, (System.nanoTime() - startedAt) / 1_000_000);
    }
  }

  /** Sets configuration in code (the highest layer) before the run starts. */
  public static final class Builder {
    private final WorkflowDefinition workflow;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final TaskwireConfig.Sources sources = TaskwireConfig.Sources.system();

    private Builder(WorkflowDefinition workflow) {
      this.workflow = Objects.requireNonNull(workflow, "workflow");
    }

    /** Sets a configuration key, e.g. {@code set("taskwire.local.workers", "4")}. */
    public Builder set(String key, String value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
      return this;
    }

    /**
     * Resumes an earlier run instead of starting a new one: shorthand for
     * {@code set("taskwire.resume", run)}. Calls it saw succeed return their recorded results at
     * once, calls it submitted are taken up again where they run, and only the others are submitted.
     *
     * @param run the run's id, a unique prefix of it, or {@code last}
     */
    public Builder resume(String run) {
      return set(ConfigKey.RESUME.name(), run);
    }

    /** Shorthand for {@code set("taskwire.backend", name)}. */
    public Builder backend(String name) {
      return set(ConfigKey.BACKEND.name(), name);
    }

    /**
     * Loads the configuration, starts the backend and makes the run current.
     *
     * @throws ConfigurationException for a bad configuration
     * @throws IllegalStateException if another run is open
     */
    public WorkflowRun start() {
      TaskwireConfig config = TaskwireConfig.load(sources, workflow, values, Backends.configKeys());
      WorkflowRun open = CURRENT.get();
      if (open != null) {
        throw new IllegalStateException("another WorkflowRun (" + open.workflow + ", run " + open.runId
            + ") is open; close it before starting a new one");
      }
      WorkflowRun run = new WorkflowRun(workflow, config);
      if (!CURRENT.compareAndSet(null, run)) {
        run.close();
        throw new IllegalStateException("another WorkflowRun was started concurrently");
      }
      LOG.debug("run {} of {} started on backend {}", run.runId, workflow.name(), run.backendName);
      return run;
    }
  }
}
