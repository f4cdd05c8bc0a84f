package org.taskwire.internal.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The remote wrapper's command line: its flags, named once here (the wrapper's own options use
 * these constants), and one builder every backend writes its workers' and jobs' arguments with.
 * Values are taken as given: a backend that writes a shell script quotes them first.
 */
public final class WrapperArgs {
  public static final String CLASSPATH = "--classpath";
  public static final String SANDBOX = "--sandbox";
  public static final String SANDBOX_CACHE = "--sandbox-cache";
  public static final String SERVE = "--serve";
  public static final String CLIENT_PID = "--client-pid";
  public static final String PILOT = "--pilot";
  public static final String DEADLINE = "--deadline";
  public static final String SHAPE = "--shape";
  public static final String HEARTBEAT = "--heartbeat";
  public static final String RECONNECT_FOR = "--reconnect-for";
  public static final String CALL = "--call";
  public static final String RESULT = "--result";
  public static final String JOB_CALL = "--job-call";
  public static final String RUN = "--run";
  public static final String WORK = "--work";
  public static final String CODEC = "--codec";
  public static final String CALLS = "--calls";
  public static final String SOURCE_URL = "--source-url";
  public static final String TRANSPORT_FROM = "--transport-from";
  public static final String DATA_URL = "--data-url";
  public static final String DATA_MAX_FILE_SIZE = "--data-max-file-size";

  private final List<String> args = new ArrayList<>();

  private WrapperArgs() {}

  /** Arguments whose code comes from a class path. */
  public static WrapperArgs fromClasspath(String classpath) {
    return new WrapperArgs().add(CLASSPATH, classpath);
  }

  /** Arguments whose code comes from a sandbox, extracted under {@code cache}. */
  public static WrapperArgs fromSandbox(String sandbox, String cache) {
    return new WrapperArgs().add(SANDBOX, sandbox).add(SANDBOX_CACHE, cache);
  }

  /** A serving worker that stops when its client process is gone. */
  public WrapperArgs serve(long clientPid) {
    args.add(SERVE);
    return add(CLIENT_PID, Long.toString(clientPid));
  }

  /** A pilot: how to reach the client, when its walltime ends, what it asked for, how often it beats. */
  public WrapperArgs pilot(String transportFile, String deadlineEpochSeconds, String shape, long heartbeatSeconds) {
    return add(PILOT, transportFile).add(DEADLINE, deadlineEpochSeconds).add(SHAPE, shape)
        .add(HEARTBEAT, Long.toString(heartbeatSeconds));
  }

  /** One call from a file, its result to a file. */
  public WrapperArgs callFile(String call, String result) {
    return add(CALL, call).add(RESULT, result);
  }

  /** A PanDA job's call, named by its pseudo file, with the secret that holds the transport settings. */
  public WrapperArgs jobCall(String pseudoFile, String runId, String workId, String codec, String transportSecret) {
    return add(JOB_CALL, pseudoFile).add(RUN, runId).add(WORK, workId).add(CODEC, codec)
        .add(TRANSPORT_FROM, transportSecret);
  }

  /** Where the files calls create are kept, for jobs whose environment Taskwire does not set (PanDA's). */
  public WrapperArgs dataUrl(String url, long maxFileBytes) {
    add(DATA_URL, url);
    return maxFileBytes == Long.MAX_VALUE ? this : add(DATA_MAX_FILE_SIZE, Long.toString(maxFileBytes));
  }

  /** Where a PanDA job's calls are kept when they did not fit in its name. */
  public WrapperArgs callsFrom(String callsFile, String sourceUrl) {
    return add(CALLS, callsFile).add(SOURCE_URL, sourceUrl);
  }

  private WrapperArgs add(String flag, String value) {
    args.add(flag);
    args.add(value);
    return this;
  }

  /** The arguments, in order. */
  public List<String> toList() {
    return List.copyOf(args);
  }
}
