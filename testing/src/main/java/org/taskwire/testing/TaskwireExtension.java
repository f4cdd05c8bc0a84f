package org.taskwire.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.taskwire.WorkflowRun;

/**
 * Opens a {@link WorkflowRun} before a test class's tests and closes it after them, so the tests
 * call the generated proxies as a workflow's {@code main} would. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TaskwireExtension taskwire =
 *     TaskwireExtension.of(HpoTasks::builder).backend("local").set("taskwire.local.workers", "2");
 * }</pre>
 *
 * Test methods may take the open {@link WorkflowRun} as a parameter. The run keeps no journal
 * (test runs are not resumed, and would fill {@code ~/.taskwire/runs}) unless
 * {@code taskwire.journal} is set.
 */
public final class TaskwireExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final String JOURNAL = "taskwire.journal";
  private final Supplier<WorkflowRun.Builder> builder;
  private final Map<String, String> config = new LinkedHashMap<>();
  private WorkflowRun run;

  private TaskwireExtension(Supplier<WorkflowRun.Builder> builder) {
    this.builder = builder;
  }

  /** An extension for the workflow whose generated {@code builder()} is given. */
  public static TaskwireExtension of(Supplier<WorkflowRun.Builder> builder) {
    return new TaskwireExtension(Objects.requireNonNull(builder, "builder"));
  }

  /** Sets the backend: {@code local} (worker JVMs) or {@code inprocess}. */
  public TaskwireExtension backend(String name) {
    return set("taskwire.backend", name);
  }

  /** Sets any configuration key for the run. */
  public TaskwireExtension set(String key, String value) {
    config.put(key, value);
    return this;
  }

  /**
   * The open run.
   *
   * @throws IllegalStateException outside the test class's lifetime
   */
  public WorkflowRun run() {
    if (run == null) {
      throw new IllegalStateException("no run is open: the extension opens one before the test class's tests");
    }
    return run;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    WorkflowRun.Builder b = builder.get();
    // A test's run is not one to resume: it keeps no journal, unless a test or the build asks for one.
    if (!config.containsKey(JOURNAL) && System.getProperty(JOURNAL) == null
        && System.getenv("TASKWIRE_JOURNAL") == null) {
      b.set(JOURNAL, "false");
    }
    config.forEach(b::set);
    run = b.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (run != null) {
      run.close();
      run = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WorkflowRun.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return run();
  }
}
