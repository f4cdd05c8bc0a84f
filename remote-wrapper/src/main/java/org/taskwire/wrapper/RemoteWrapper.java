package org.taskwire.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.File;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.call.CallExecutor;
import org.taskwire.internal.backend.panda.GridCalls;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.backend.WrapperArgs;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.data.DataStore;
import org.taskwire.internal.sandbox.SandboxException;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.internal.transport.Delivery;
import org.taskwire.internal.transport.ResultSender;
import org.taskwire.internal.transport.TransportSettings;

/**
 * The worker's main: what a PanDA pilot (through runGen) or a local worker runs. It opens the
 * shipped class path in a child class loader, finds the work registries there, and for each call
 * decodes, invokes and encodes through {@link CallExecutor}, then delivers the result.
 *
 * <p>A job's result goes to the brokers and relay named in the environment ({@code TASKWIRE_BROKER_URL},
 * {@code TASKWIRE_RELAY_URL}, with {@code TASKWIRE_SIGNING_KEY} and {@code TASKWIRE_INTERNAL_ID}),
 * STOMP first, the relay when no broker confirms. A serving worker answers on its own channel,
 * each result signed with {@code TASKWIRE_SIGNING_KEY}.
 *
 * <p>Four modes: {@code --serve} answers a stream of calls on standard input with signed results on
 * standard output, for the local backend's long-lived workers (see {@link ServeLoop});
 * {@code --pilot FILE} serves calls the same way over a socket to the client the run's transport
 * file names, for Slurm's pilot jobs (see {@link PilotLoop});
 * {@code --call FILE --result FILE} runs one call from a file; {@code --job-call NAME} runs
 * the call a PanDA job's pseudo file names (see {@link GridCalls}), reads the transport settings
 * from the user secret named by {@code --transport-from}, and also writes the result to
 * {@code userJobMetadata.json}, so the client can read it from the job's metadata when the message
 * is lost. Exit codes are those of {@link WrapperExit}; a failed call exits non-zero so that PanDA
 * retries the job.
 */
public final class RemoteWrapper {
  private static final java.time.Duration RECEIPT_TIMEOUT = java.time.Duration.ofSeconds(10);
  private static final String NAME = "taskwire-wrapper";
  private static final String HELP = "--help";
  private static final Options OPTIONS = options();

  final String classpath;
  final String sandbox;
  final Path sandboxCache;
  final boolean serve;
  final Long clientPid;
  final Path pilotTransport;
  final long deadlineSeconds;
  final String shape;
  final int heartbeatSeconds;
  final int reconnectSeconds;
  final Path callFile;
  final Path resultFile;
  final String jobCall;
  final String runId;
  final String workId;
  final String codec;
  final String callsFile;
  final String sourceUrl;
  final String transportFrom;
  final String dataUrl;
  final long dataMaxFileBytes;

  private RemoteWrapper(CommandLine line) throws ParseException {
    classpath = text(line, WrapperArgs.CLASSPATH, null);
    sandbox = text(line, WrapperArgs.SANDBOX, null);
    sandboxCache = path(line, WrapperArgs.SANDBOX_CACHE);
    serve = line.hasOption(name(WrapperArgs.SERVE));
    clientPid = line.hasOption(name(WrapperArgs.CLIENT_PID)) ? number(line, WrapperArgs.CLIENT_PID, 0) : null;
    pilotTransport = path(line, WrapperArgs.PILOT);
    deadlineSeconds = number(line, WrapperArgs.DEADLINE, 0);
    shape = text(line, WrapperArgs.SHAPE, "");
    heartbeatSeconds = Math.toIntExact(number(line, WrapperArgs.HEARTBEAT, 10));
    reconnectSeconds = Math.toIntExact(number(line, WrapperArgs.RECONNECT_FOR, 120));
    callFile = path(line, WrapperArgs.CALL);
    resultFile = path(line, WrapperArgs.RESULT);
    jobCall = text(line, WrapperArgs.JOB_CALL, null);
    runId = text(line, WrapperArgs.RUN, null);
    workId = text(line, WrapperArgs.WORK, null);
    codec = text(line, WrapperArgs.CODEC, "kryo");
    callsFile = text(line, WrapperArgs.CALLS, null);
    sourceUrl = text(line, WrapperArgs.SOURCE_URL, null);
    transportFrom = text(line, WrapperArgs.TRANSPORT_FROM, null);
    dataUrl = text(line, WrapperArgs.DATA_URL, null);
    dataMaxFileBytes = line.hasOption(name(WrapperArgs.DATA_MAX_FILE_SIZE))
        ? number(line, WrapperArgs.DATA_MAX_FILE_SIZE, 0) : -1;
  }

  /**
   * The options, named by {@link WrapperArgs}. Commons CLI builds them without reflection: every
   * grid job parses this command line in a fresh JVM, where an annotation-driven parser cost
   * 150-200 ms of its start.
   */
  private static Options options() {
    Options o = new Options();
    valued(o, WrapperArgs.CLASSPATH, "PATH",
        "Jars and class directories holding the work classes, separated by '" + File.pathSeparator + "'.");
    valued(o, WrapperArgs.SANDBOX, "FILE_OR_URL",
        "A sources.<sha256>.tar.gz sandbox (a path or an http(s) URL) holding the class path.");
    valued(o, WrapperArgs.SANDBOX_CACHE, "DIR",
        "Where sandboxes are extracted, shared by the jobs of a node (default: <java.io.tmpdir>/taskwire-sandboxes).");
    flag(o, WrapperArgs.SERVE, "Answer calls on standard input with results on standard output.");
    valued(o, WrapperArgs.CLIENT_PID, "PID",
        "With --serve: the client's process; when it is gone the worker stops, running call included.");
    valued(o, WrapperArgs.PILOT, "FILE",
        "Serve calls as a pilot job: connect to the client the run's transport file FILE names.");
    valued(o, WrapperArgs.DEADLINE, "EPOCH_SECONDS",
        "With --pilot: when the job's walltime ends (the client sends no call that cannot finish by then).");
    valued(o, WrapperArgs.SHAPE, "KEY",
        "With --pilot: the key of the resources the pilot's job has, which decide the calls it gets.");
    valued(o, WrapperArgs.HEARTBEAT, "SECONDS", "With --pilot: seconds between heartbeats (default: 10).");
    valued(o, WrapperArgs.RECONNECT_FOR, "SECONDS",
        "With --pilot: how long to wait for a client that went away (default: 120).");
    valued(o, WrapperArgs.CALL, "FILE", "Run the one call in FILE (a JSON call envelope).");
    valued(o, WrapperArgs.RESULT, "FILE", "Write the result envelope of --call to FILE.");
    valued(o, WrapperArgs.JOB_CALL, "NAME",
        "Run the call a PanDA pseudo file names: c<callId>[.<base64url arguments>].");
    valued(o, WrapperArgs.RUN, "ID", "With --job-call: the run the call belongs to.");
    valued(o, WrapperArgs.WORK, "ID", "With --job-call: the work to invoke (<class>#<name>).");
    valued(o, WrapperArgs.CODEC, "NAME", "With --job-call: the codec of the arguments (default: kryo).");
    valued(o, WrapperArgs.CALLS, "NAME",
        "With --job-call: the task's calls file in the PanDA cache, for arguments too large to inline.");
    valued(o, WrapperArgs.SOURCE_URL, "URL", "With --calls: the PanDA server the cache is on (scheme://host:port).");
    valued(o, WrapperArgs.TRANSPORT_FROM, "VAR",
        "With --job-call: the environment variable (a PanDA user secret) holding the result transport.");
    valued(o, WrapperArgs.DATA_URL, "URL",
        "Where the files calls create are kept (taskwire.data.url); else the variable " + DataStore.ENVIRONMENT + ".");
    valued(o, WrapperArgs.DATA_MAX_FILE_SIZE, "BYTES",
        "With --data-url: the largest file a call may keep; else the variable " + DataStore.MAX_FILE_SIZE_ENVIRONMENT + ".");
    flag(o, HELP, "Show this help message and exit.");
    return o;
  }

  private static void valued(Options o, String flag, String label, String description) {
    o.addOption(Option.builder().longOpt(name(flag)).hasArg().argName(label).desc(description).build());
  }

  private static void flag(Options o, String flag, String description) {
    o.addOption(Option.builder().longOpt(name(flag)).desc(description).build());
  }

  private static String name(String flag) {
    return flag.substring(2);
  }

  private static String text(CommandLine line, String flag, String otherwise) {
    return line.getOptionValue(name(flag), otherwise);
  }

  private static Path path(CommandLine line, String flag) throws ParseException {
    String value = line.getOptionValue(name(flag));
    try {
      return value == null ? null : Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ParseException("invalid value for option '" + flag + "': " + e.getMessage());
    }
  }

  private static long number(CommandLine line, String flag, long otherwise) throws ParseException {
    String value = line.getOptionValue(name(flag));
    if (value == null) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(value.trim());
      if ((flag.equals(WrapperArgs.HEARTBEAT) || flag.equals(WrapperArgs.RECONNECT_FOR)) && (int) n != n) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ParseException("invalid value for option '" + flag + "': '" + value + "' is not a whole number");
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the wrapper and returns its exit code, without exiting; for tests and embedding. */
  public static int run(String... args) {
    RemoteWrapper wrapper;
    try {
      CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(OPTIONS, args);
      if (line.hasOption(name(HELP))) {
        PrintWriter out = new PrintWriter(System.out, true);
        usage(out);
        out.flush();
        return WrapperExit.OK.code();
      }
      if (!line.getArgList().isEmpty()) {
        throw new ParseException("unmatched argument" + (line.getArgList().size() > 1 ? "s" : "") + ": "
            + String.join(" ", line.getArgList()));
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Option given : line.getOptions()) {
        if (!seen.add(given.getLongOpt())) {
          throw new ParseException("option '--" + given.getLongOpt() + "' should be given only once");
        }
      }
      wrapper = new RemoteWrapper(line);
    } catch (ParseException e) {
      PrintWriter err = new PrintWriter(System.err, true);
      err.println(NAME + ": " + e.getMessage());
      usage(err);
      err.flush();
      return WrapperExit.USAGE.code();
    }
    return wrapper.call();
  }

  /** The options, then the exit codes: listed once, in {@link WrapperExit}. */
  private static void usage(PrintWriter out) {
    HelpFormatter help = HelpFormatter.builder().setShowDeprecated(false).get();
    help.setOptionComparator(null);
    help.printHelp(out, 110, NAME + " [OPTIONS]", "Runs Taskwire work calls with the given class path.", OPTIONS,
        2, 3, null, false);
    out.println();
    out.println("Exit codes:");
    for (WrapperExit exit : WrapperExit.values()) {
      // Padded by hand: String.format would load the Formatter and the locale data, 20 ms of every job's start.
      out.println("  " + (exit.code() < 10 ? " " : "") + exit.code() + "   " + exit.meaning());
    }
  }

  private int call() {
    int modes = (serve ? 1 : 0) + (callFile != null ? 1 : 0) + (jobCall != null ? 1 : 0) + (pilotTransport != null ? 1 : 0);
    if (modes != 1) {
      System.err.println("taskwire-wrapper: give one of --serve, --pilot FILE, --call FILE --result FILE, or --job-call NAME");
      return WrapperExit.USAGE.code();
    }
    if (jobCall != null && (runId == null || workId == null)) {
      System.err.println("taskwire-wrapper: --job-call needs --run ID and --work ID");
      return WrapperExit.USAGE.code();
    }
    if (callsFile != null && sourceUrl == null) {
      System.err.println("taskwire-wrapper: --calls needs --source-url URL");
      return WrapperExit.USAGE.code();
    }
    if (callFile != null && resultFile == null) {
      System.err.println("taskwire-wrapper: --call needs --result FILE");
      return WrapperExit.USAGE.code();
    }
    if ((classpath == null) == (sandbox == null)) {
      System.err.println("taskwire-wrapper: give either --classpath PATH or --sandbox FILE_OR_URL");
      return WrapperExit.USAGE.code();
    }
    CallExecutor executor;
    try {
      ShippedClassPath shipped;
      if (sandbox != null) {
        Path cache = sandboxCache != null ? sandboxCache
            : Path.of(System.getProperty("java.io.tmpdir"), "taskwire-sandboxes");
        shipped = ShippedClassPath.open(new SandboxStore(cache).open(sandbox).classpath());
      } else {
        shipped = ShippedClassPath.open(classpath);
      }
      executor = shipped.executor().withData(dataUrl != null ? DataStore.at(dataUrl)
          : DataStore.fromEnvironment(System.getenv()),
          dataMaxFileBytes > 0 ? dataMaxFileBytes : DataStore.maxFileBytes(System.getenv()));
    } catch (SandboxException e) {
      WrapperExit exit = switch (e.reason()) {
        case CORRUPT -> WrapperExit.SANDBOX_CORRUPT;
        case UNSAFE -> WrapperExit.SANDBOX_UNSAFE;
        default -> WrapperExit.SANDBOX_UNAVAILABLE;
      };
      return cannotStart(exit, e.getMessage());
    } catch (ShippedClassPath.Problem e) {
      return cannotStart(WrapperExit.CLASSPATH, e.getMessage());
    } catch (IllegalArgumentException e) {
      System.err.println(NAME + ": bad place to keep files (" + WrapperArgs.DATA_URL + " or " + DataStore.ENVIRONMENT
          + "): " + e.getMessage());
      return WrapperExit.USAGE.code();
    }
    if (pilotTransport != null) {
      if (heartbeatSeconds < 1 || reconnectSeconds < 0) {
        System.err.println("taskwire-wrapper: --heartbeat must be at least 1 and --reconnect-for at least 0");
        return WrapperExit.USAGE.code();
      }
      return new PilotLoop(executor, pilotTransport, deadlineSeconds * 1000, shape, java.time.Duration.ofSeconds(heartbeatSeconds),
          java.time.Duration.ofSeconds(reconnectSeconds)).run();
    }
    if (serve) {
      ResultSigner signer;
      try {
        signer = ResultSigner.fromEnvironment(System.getenv());
      } catch (IllegalArgumentException e) {
        System.err.println("taskwire-wrapper: " + e.getMessage());
        return WrapperExit.USAGE.code();
      }
      return ServeLoop.run(executor, signer, clientPid);
    }
    ResultSender sender;
    try {
      sender = sender();
    } catch (IllegalArgumentException e) {
      System.err.println("taskwire-wrapper: bad result transport settings in the environment: " + e.getMessage());
      return WrapperExit.USAGE.code();
    }
    if (sender != null) {
      sender.connectEarly();
    }
    try {
      if (jobCall != null) {
        return JobCall.run(this, executor, sender);
      }
      return runOne(executor, sender);
    } finally {
      if (sender != null) {
        sender.close();
      }
    }
  }

  /** The result transport the environment names, or null when it names none. */
  private ResultSender sender() {
    TransportSettings transport = transportFrom != null
        ? TransportSettings.fromSecret(System.getenv(transportFrom), transportFrom)
        : TransportSettings.fromEnvironment(System.getenv());
    // Delivery notices go to stderr, the worker's log: the user's class path may have no logging binding.
    return transport == null ? null
        : new ResultSender(transport, RECEIPT_TIMEOUT, m -> System.err.println("taskwire-wrapper: " + m));
  }

  /**
   * The sandbox or class path cannot be used: no attempt can mend that, so the call's failure
   * says so in the wrapper's own words, wherever the client reads results (the result file, a grid
   * job's metadata, the result transport), and does not wait for the job's exit code to be
   * explained.
   */
  private int cannotStart(WrapperExit exit, String why) {
    System.err.println(org.taskwire.internal.backend.WorkerLogs.cannotStart(exit, why));
    CallEnvelope call = callToAnswer();
    if (call == null) {
      return exit.code();
    }
    long now = System.currentTimeMillis();
    ResultEnvelope failure = ResultEnvelope.failure(call, org.taskwire.internal.call.RemoteError.of(exit.failure(),
        "the Taskwire wrapper cannot run the call (exit " + exit.code() + ", " + exit.meaning() + "): " + why), now, now);
    try {
      if (resultFile != null) {
        writeAtomically(resultFile, EnvelopeJson.toJson(failure));
      }
      if (jobCall != null) {
        writeAtomically(Path.of(org.taskwire.internal.backend.panda.JobMetadata.FILE_NAME),
            org.taskwire.internal.backend.panda.JobMetadata.of(failure));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("taskwire-wrapper: no result file written: " + e.getMessage());
    }
    try {
      ResultSender sender = sender();
      if (sender != null) {
        try (sender) {
          sender.send(failure, call.workId(), call.codec());
        }
      }
    } catch (RuntimeException e) {
      System.err.println("taskwire-wrapper: the failure could not be sent: " + e.getMessage());
    }
    return exit.code();
  }

  /** The call this wrapper was to run, from --call or --job-call, without decoding its arguments; null for a server. */
  private CallEnvelope callToAnswer() {
    try {
      if (callFile != null) {
        return EnvelopeJson.fromJson(Files.readAllBytes(callFile), CallEnvelope.class);
      }
      if (jobCall != null && runId != null && workId != null) {
        return new CallEnvelope(runId, GridCalls.callId(jobCall.trim()), 1, workId,
            codec.toLowerCase(java.util.Locale.ROOT), new byte[0]);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("taskwire-wrapper: cannot tell which call to fail: " + e.getMessage());
    }
    return null;
  }

  private int runOne(CallExecutor executor, ResultSender sender) {
    CallEnvelope call;
    try {
      call = EnvelopeJson.fromJson(Files.readAllBytes(callFile), CallEnvelope.class);
    } catch (IOException e) {
      System.err.println("taskwire-wrapper: cannot read the call in " + callFile + ": " + e.getMessage());
      return WrapperExit.BAD_PAYLOAD.code();
    }
    ResultEnvelope result = executor.execute(call);
    report(result);
    try {
      writeAtomically(resultFile, EnvelopeJson.toJson(result));
    } catch (IOException e) {
      System.err.println("taskwire-wrapper: cannot write the result to " + resultFile + ": " + e.getMessage());
      return WrapperExit.DELIVERY_FAILED.code();
    }
    if (sender != null && sender.send(result, call.workId(), call.codec()) == Delivery.NONE) {
      System.err.println("taskwire-wrapper: no broker or relay took the result of call " + call.callId());
      return WrapperExit.DELIVERY_FAILED.code();
    }
    return exitFor(result);
  }

  /** Writes a file whole or not at all: a reader never sees half a result. */
  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static int exitFor(ResultEnvelope result) {
    if (result.succeeded()) {
      return WrapperExit.OK.code();
    }
    FailureKind kind = result.error().kind();
    switch (kind) {
      case BAD_PAYLOAD:
        return WrapperExit.BAD_PAYLOAD.code();
      case RESULT_NOT_ENCODABLE:
        return WrapperExit.RESULT_NOT_ENCODABLE.code();
      default:
        return WrapperExit.WORK_THREW.code();
    }
  }

  /** The work's failure goes to the log too, where a grid user looks first. */
  static void report(ResultEnvelope result) {
    if (!result.succeeded()) {
      System.err.println("taskwire-wrapper: call " + result.callId() + " attempt " + result.attempt() + " failed ("
          + result.error().kind() + "): " + result.error().message());
      if (result.error().stackTrace() != null && !result.error().stackTrace().isEmpty()) {
        System.err.print(result.error().stackTrace());
      }
    }
  }
}
