package org.taskwire;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.run.CallPlanner;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.RunEngine;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * A session of one workflow. Open it from {@code main} with the generated
 * {@code XxxTasks.start()} in a try-with-resources block (iDDS's {@code with workflow:}); the
 * generated proxies submit through the run that is open. Closing it fails the calls still
 * outstanding and stops the backend.
 *
 * <p>One run is open at a time per JVM. This class is the run's public face: it checks what the
 * caller passes and hands out typed handles; the backend, the journal and the calls in flight
 * belong to an internal engine it drives.
 */
public final class WorkflowRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRun.class);
  private static final AtomicReference<WorkflowRun> CURRENT = new AtomicReference<>();

  private final RunEngine engine;
  private final DependentCalls dependents;

  private WorkflowRun(RunEngine engine) {
    this.engine = engine;
    this.dependents = new DependentCalls(engine);
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
    return engine.runId();
  }

  /** The backend's name, e.g. {@code local}. */
  public String backendName() {
    return engine.backendName();
  }

  /** The workflow this run was opened for. */
  public WorkflowDefinition workflow() {
    return engine.workflow();
  }

  /** The options a work runs with in this run, after annotations and configuration. */
  public JobOptions options(WorkDefinition<?, ?> work) {
    return engine.options(work);
  }

  /**
   * Submits one call; generated {@code xxxAsync} proxies call this.
   *
   * @throws ArgumentEncodingException if an argument cannot travel
   */
  public <A extends Record, R> AsyncResult<R> submit(WorkDefinition<A, R> work, A arguments) {
    Objects.requireNonNull(arguments, "arguments");
    CallPlanner.Planned prepared = engine.plan(work, List.of(arguments), TaskProgress.singleCall());
    PendingCall call = prepared.calls().get(0);
    prepared.send().run();
    return AsyncResult.of(engine, work, call);
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
    CallPlanner.Planned prepared = engine.plan(work, arguments, new TaskProgress(arguments.size()));
    prepared.send().run();
    List<CompletableFuture<Object>> futures = prepared.calls().stream().map(PendingCall::future).toList();
    engine.awaitWithProgress(work.name(), prepared.progress(), CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])));
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
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkFailedException) {
        return new Outcome.Failure<>((WorkFailedException) cause);
      }
      throw e;
    }
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
    Inputs.check(engine.runId(), work, inputs);
    if (Inputs.allValues(inputs)) {
      return submit(work, arguments.apply(Inputs.values(inputs)));
    }
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
    return dependents.submitKeyed(work, keys, inputs, arguments);
  }

  /** Fails the calls still outstanding, stops the backend and lets another run open. */
  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      CURRENT.compareAndSet(this, null);
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

    /**
     * Keeps this run's id in a file, and resumes the run it names where the file exists: shorthand
     * for {@code set("taskwire.run-file", file)}. A study keeps its run this way in its own
     * directory, so that starting it again resumes its own run, not the newest one on the machine.
     */
    public Builder runFile(java.nio.file.Path file) {
      return set(ConfigKey.RUN_FILE.name(), file.toString());
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
      WorkflowRun open = CURRENT.get();
      if (open != null) {
        throw new IllegalStateException("another WorkflowRun (" + open.workflow() + ", run " + open.runId()
            + ") is open; close it before starting a new one");
      }
      WorkflowRun run = new WorkflowRun(RunEngine.start(workflow, sources, values));
      if (!CURRENT.compareAndSet(null, run)) {
        run.close();
        throw new IllegalStateException("another WorkflowRun was started concurrently");
      }
      LOG.debug("run {} of {} started on backend {}", run.runId(), workflow.name(), run.backendName());
      return run;
    }
  }
}
