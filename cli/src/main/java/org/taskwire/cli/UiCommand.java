package org.taskwire.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.taskwire.dashboard.Dashboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taskwire ui}: the dashboard of every run, in a browser, until interrupted. */
@Command(name = "ui", mixinStandardHelpOptions = true, description = "Serves the run dashboard (steps, tasks, failures "
    + "and their logs, live) for every run, on the loopback address; prints its address with its token once, then "
    + "serves until interrupted (Ctrl-C).")
final class UiCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "The port (default: a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to serve on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves every network, "
          + "to anyone with the token).")
  String bind;

  @Option(names = "--study", paramLabel = "DIR",
      description = "A study's directory (Study.builder(...).directory(DIR)) to show too; repeat for several.")
  java.util.List<java.nio.file.Path> studies = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (Dashboard dashboard = Dashboard.start(runs.root(), bind, port, studies)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("taskwire dashboard for the runs in " + runs.root() + ": " + dashboard.address());
      out.flush();
      if (!java.nio.file.Files.isDirectory(runs.root())) {
        // Perhaps a mistyped --runs-dir; perhaps no run has started yet. Either way, say so.
        spec.commandLine().getErr().println("taskwire: " + runs.root() + " holds no runs yet (no such directory); "
            + "the dashboard lists them as they start there");
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "taskwire-ui-stop"));
      stopped.await();
    }
    return 0;
  }
}
