package org.taskwire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import org.taskwire.TaskwireException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code taskwire}: the runs on this machine, from their journals. Exit codes: 0 done, 1 the
 * command ran but what it looked at failed (a run with failed calls for {@code watch}), 2 bad
 * input (no such run, a damaged journal, a bad option).
 */
@Command(name = "taskwire", mixinStandardHelpOptions = true, versionProvider = TaskwireCli.Version.class,
    description = "Shows and manages Taskwire runs: their journals are in ~/.taskwire/runs.",
    subcommands = {RunsCommand.class, ShowCommand.class, WatchCommand.class, LogsCommand.class, KillCommand.class,
        GcCommand.class, UiCommand.class, CommandLine.HelpCommand.class})
public final class TaskwireCli implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The command ran, and what it looked at failed. */
  static final int FAILED = 1;
  /** Bad input: no such run, a damaged journal, a bad option. */
  static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new TaskwireCli());
    cli.setOut(out).setErr(err);
    cli.setExitCodeExceptionMapper(e -> BAD_INPUT);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof TaskwireException || e instanceof IllegalArgumentException) {
        commandLine.getErr().println("taskwire: " + e.getMessage());
        return BAD_INPUT;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version of the jar, as Maven built it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TaskwireCli.class.getPackage().getImplementationVersion();
      return new String[] {"taskwire " + (v == null ? "(development build)" : v)};
    }
  }
}
