package org.taskwire.internal.backend.local;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.WrapperArgs;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.backend.WorkerJvm;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The command that starts a local worker: this JVM's java (or {@code taskwire.local.java}), the
 * JVM options with {@code -Xmx} from the largest {@code memoryMb}, the workflow's class path or the
 * run's extracted sandbox, and the wrapper in serve mode, told which process is its client.
 */
final class WorkerCommand {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

  private WorkerCommand() {}

  /** The command of a local worker for this run. */
  static List<String> of(BackendContext context) {
    String classpath = WorkflowClassPath.join(WorkflowClassPath.resolve(context));
    List<String> entries;
    WrapperArgs source;
    if ("true".equals(context.config().get(LocalBackendProvider.SANDBOX))) {
      // As on the grid: the worker runs from the extracted sandbox, not from this JVM's class path.
      Sandbox sandbox = RunSandbox.build(context, classpath);
      Path extracted = RunSandbox.cacheDirectory(context.config()).resolve("extracted");
      SandboxStore.Opened opened = new SandboxStore(extracted).open(sandbox.file().toString());
      entries = opened.classpath().stream().map(Path::toString).toList();
      source = WrapperArgs.fromSandbox(sandbox.file().toString(), extracted.toString());
      LOG.info("local workers run from sandbox {} ({} MB)", sandbox.file(), String.format("%.1f", sandbox.bytes() / 1e6));
    } else {
      entries = List.of(classpath);
      source = WrapperArgs.fromClasspath(classpath);
    }
    WorkerJvm jvm = new WorkerJvm(context.config().get(LocalBackendProvider.JAVA),
        context.config().get(LocalBackendProvider.JVM_OPTIONS), maxMemoryMb(context), entries);
    List<String> cmd = new ArrayList<>(jvm.command(File.pathSeparator));
    cmd.addAll(source.serve(ProcessHandle.current().pid()).toList());
    return List.copyOf(cmd);
  }

  /** Workers are shared by the run's works, so they get the largest memory any of them asks for. */
  private static int maxMemoryMb(BackendContext context) {
    WorkflowDefinition workflow = context.workflow();
    return workflow.works().stream()
        .mapToInt(work -> context.config().jobOptions(workflow, work).memoryMb())
        .max()
        .orElse(JobOptions.BUILT_IN.memoryMb());
  }
}
