package org.taskwire.internal.backend;

import java.util.Arrays;
import java.util.Optional;
import org.taskwire.FailureKind;

/**
 * Exit codes of the remote wrapper, so a pilot, a batch system or the local backend can tell what
 * went wrong without reading the log, and what each means for the call (a backend reports the
 * exit as {@link Cause.WrapperExited}; the run's failure table reads {@link #failure()}), so that a
 * sandbox no job can use fails the call at once everywhere.
 */
public enum WrapperExit {
  /** The call succeeded and its result was delivered. */
  OK(0, "success", null),
  /** Bad command line. */
  USAGE(2, "bad command line", FailureKind.BACKEND),
  /** The work method threw; the failure was delivered as the result. */
  WORK_THREW(10, "the work method threw", FailureKind.WORK_THREW),
  /** The call payload could not be read or names no known work. */
  BAD_PAYLOAD(11, "bad call payload", FailureKind.BAD_PAYLOAD),
  /** The class path could not be opened, or no work registry was found on it. */
  CLASSPATH(12, "class path or work registry problem", FailureKind.BACKEND),
  /** The result could not be delivered. */
  DELIVERY_FAILED(13, "result delivery failed", FailureKind.WORKER_LOST),
  /** The result could not be encoded. */
  RESULT_NOT_ENCODABLE(14, "result could not be encoded", FailureKind.RESULT_NOT_ENCODABLE),
  /** The sandbox's content does not match its hash: corrupt or truncated. */
  SANDBOX_CORRUPT(15, "corrupt or truncated sandbox", FailureKind.BACKEND),
  /** The sandbox holds an entry outside its tree, a link or a device. */
  SANDBOX_UNSAFE(16, "unsafe sandbox entry", FailureKind.BACKEND),
  /** The sandbox cannot be fetched or read. */
  SANDBOX_UNAVAILABLE(17, "sandbox unavailable", FailureKind.BACKEND),
  /** Set by a grid job's command before the wrapper starts: no Java 17 or newer on the node. */
  NO_JAVA(19, "no Java 17+ runtime on the node", FailureKind.BACKEND),
  /** A serving worker's client process is gone, so nobody can want the running call's result. */
  CLIENT_GONE(20, "the client that started the worker is gone", FailureKind.WORKER_LOST);

  private final int code;
  private final String meaning;
  private final FailureKind failure;

  WrapperExit(int code, String meaning, FailureKind failure) {
    this.code = code;
    this.meaning = meaning;
    this.failure = failure;
  }

  /**
   * What the call's failure is when a job or worker ends with this exit, on every backend; null
   * for {@link #OK}. Its {@link FailureKind#retryable()} says whether another attempt may mend it:
   * a sandbox or class path no job can use, a missing Java or a bad command line cannot be.
   */
  public FailureKind failure() {
    return failure;
  }

  /** Whether this exit is a failure no other attempt or start mends (its failure is not retryable). */
  public boolean hopeless() {
    return failure != null && !failure.retryable();
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** Explains a process exit code, including JVM and signal exits. */
  public static String describe(int exitCode) {
    Optional<WrapperExit> known = Arrays.stream(values()).filter(e -> e.code == exitCode).findFirst();
    if (known.isPresent()) {
      return "exit code " + exitCode + " (" + known.get().meaning + ")";
    }
    if (exitCode == 3) {
      return "exit code 3 (" + WorkerLogs.JVM_OUT_OF_MEMORY + ")";
    }
    if (exitCode > 128 && exitCode < 160) {
      return "exit code " + exitCode + " (killed by signal " + (exitCode - 128) + ")";
    }
    return "exit code " + exitCode;
  }

  /** The exit with this code, if it is one of the wrapper's. */
  public static java.util.Optional<WrapperExit> of(int code) {
    for (WrapperExit e : values()) {
      if (e.code == code) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }
}
