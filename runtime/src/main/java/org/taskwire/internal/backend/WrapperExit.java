package org.taskwire.internal.backend;

import java.util.Arrays;
import java.util.Optional;

/**
 * Exit codes of the remote wrapper, so a pilot, a batch system or the local backend can tell what
 * went wrong without reading the log.
 */
public enum WrapperExit {
  /** The call succeeded and its result was delivered. */
  OK(0, "success"),
  /** Bad command line. */
  USAGE(2, "bad command line"),
  /** The work method threw; the failure was delivered as the result. */
  WORK_THREW(10, "the work method threw"),
  /** The call payload could not be read or names no known work. */
  BAD_PAYLOAD(11, "bad call payload"),
  /** The class path could not be opened, or no work registry was found on it. */
  CLASSPATH(12, "class path or work registry problem"),
  /** The result could not be delivered. */
  DELIVERY_FAILED(13, "result delivery failed"),
  /** The result could not be encoded. */
  RESULT_NOT_ENCODABLE(14, "result could not be encoded"),
  /** The sandbox's content does not match its hash: corrupt or truncated. */
  SANDBOX_CORRUPT(15, "corrupt or truncated sandbox"),
  /** The sandbox holds an entry outside its tree, a link or a device. */
  SANDBOX_UNSAFE(16, "unsafe sandbox entry"),
  /** The sandbox cannot be fetched or read. */
  SANDBOX_UNAVAILABLE(17, "sandbox unavailable"),
  /** Set by a grid job's command before the wrapper starts: no Java 17 or newer on the node. */
  NO_JAVA(19, "no Java 17+ runtime on the node"),
  /** A serving worker's client process is gone, so nobody can want the running call's result. */
  CLIENT_GONE(20, "the client that started the worker is gone");

  private final int code;
  private final String meaning;

  WrapperExit(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
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
