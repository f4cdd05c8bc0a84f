package org.taskwire.wrapper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.CallExecutor;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * {@code --serve}: a local worker's loop, and a pilot's once connected. Calls come in on standard
 * input (a pilot: its socket) and results go out on standard output as {@link WireFormat} frames,
 * signed with the run's key; the work's own prints go to standard error. While quick calls keep
 * arriving, their results are held and written together, and each call started meanwhile is
 * announced with a {@code STARTED} frame. With {@code --client-pid} the worker stops
 * within a second of its client's death, running call included.
 */
final class ServeLoop {
  private static final int MAX_HELD = 64;
  private static final long MAX_HELD_BYTES = 8 << 20;

  private ServeLoop() {}

  /** How a serving loop ended. */
  enum Ending {
    /** The caller ended the call stream. */
    END_OF_CALLS(WrapperExit.OK),
    /** The caller said to stop: a pilot it retires. */
    TOLD_TO_STOP(WrapperExit.OK),
    /** The stream broke, or held something that is not a call. */
    BAD_CALL(WrapperExit.BAD_PAYLOAD),
    /** A result could not be written on the stream. */
    DELIVERY_FAILED(WrapperExit.DELIVERY_FAILED),
    /** The client that started the worker is gone. */
    CLIENT_GONE(WrapperExit.CLIENT_GONE);

    final WrapperExit exit;

    Ending(WrapperExit exit) {
      this.exit = exit;
    }
  }

  /** Answers calls on standard input until it ends; returns the exit code. */
  static int run(CallExecutor executor, ResultSigner signer, Long clientPid) {
    java.util.function.BooleanSupplier clientAlive = () -> true;
    if (clientPid != null) {
      clientAlive = watchClient(clientPid);
    }
    // Frames own the real stdout and stdin; the work's prints go to stderr and it reads nothing.
    DataOutputStream frames = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    DataInputStream calls = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    System.setIn(new ByteArrayInputStream(new byte[0]));
    try {
      WireFormat.write(frames, WireFormat.READY,
          new WireFormat.Ready(ProcessHandle.current().pid(), executor.workIds()));
    } catch (IOException e) {
      System.err.println("taskwire-wrapper: cannot reach the caller: " + e.getMessage());
      return WrapperExit.DELIVERY_FAILED.code();
    }
    return serve(executor, signer, calls, frames, clientAlive).exit.code();
  }

  /**
   * Answers the calls read from {@code calls} until that stream ends or says to stop, writing
   * answers (and notices) to {@code frames}.
   */
  static Ending serve(CallExecutor executor, ResultSigner signer, DataInputStream calls, DataOutputStream frames) {
    return serve(executor, signer, calls, frames, () -> true);
  }

  /**
   * As above; a call read while {@code clientAlive} says no is not run: nobody can want its
   * result, and it was left in the pipe by a client that died.
   */
  static Ending serve(CallExecutor executor, ResultSigner signer, DataInputStream calls, DataOutputStream frames,
      java.util.function.BooleanSupplier clientAlive) {
    List<ResultEnvelope> held = new ArrayList<>();
    long heldBytes = 0;
    while (true) {
      CallEnvelope call;
      try {
        WireFormat.Frame frame = WireFormat.read(calls);
        if (frame == null || frame.tag() == WireFormat.DRAIN) {
          Ending end = frame == null ? Ending.END_OF_CALLS : Ending.TOLD_TO_STOP;
          return deliver(held, frames, signer) ? end : Ending.DELIVERY_FAILED;
        }
        if (frame.tag() != WireFormat.CALL) {
          throw new IOException("expected a call frame, got tag '" + (char) frame.tag() + "'");
        }
        call = WireFormat.readCall(frame);
      } catch (IOException e) {
        System.err.println("taskwire-wrapper: unreadable call: " + e.getMessage());
        return Ending.BAD_CALL;
      }
      if (!clientAlive.getAsBoolean()) {
        System.err.println("taskwire-wrapper: the client is gone; call " + call.callId() + " is not run");
        return Ending.CLIENT_GONE;
      }
      if (!held.isEmpty()) {
        try {
          WireFormat.write(frames, WireFormat.STARTED, new WireFormat.Started(call.callId(), call.attempt()));
        } catch (IOException e) {
          System.err.println("taskwire-wrapper: cannot reach the caller: " + e.getMessage());
          return Ending.DELIVERY_FAILED;
        }
      }
      long t0 = System.nanoTime();
      // A worker's log holds many calls: these lines tell which are whose (taskwire logs RUN CALL).
      System.err.println(WorkerLogs.callStarts(call.callId(), call.attempt(), call.workId()));
      ResultEnvelope result = signer.capped(executor.execute(call), call.workId());
      long took = System.nanoTime() - t0;
      RemoteWrapper.report(result);
      System.err.println(WorkerLogs.callEnds(call.callId(), call.attempt()));
      held.add(result);
      heldBytes += result.output() == null ? 0 : result.output().length;
      // While quick calls keep arriving, hold their results and write them together: one write
      // and one wake-up of the client for the lot instead of one each. A slow call's result never waits.
      boolean hold = took < WireFormat.SHORT_CALL_NANOS && held.size() < MAX_HELD && heldBytes < MAX_HELD_BYTES
          && waiting(calls);
      if (!hold) {
        if (!deliver(held, frames, signer)) {
          return Ending.DELIVERY_FAILED;
        }
        held.clear();
        heldBytes = 0;
      }
    }
  }

  /** How often a worker looks whether its client is still there: its share of "within a second". */
  private static final long CLIENT_CHECK_MILLIS = 100;

  /**
   * Stops this worker within a second of its client's death, even in the middle of a call: the
   * pipe's end is only read between calls, and a call may run for its whole walltime.
   *
   * @return whether the client is still there, asked before each call
   */
  private static java.util.function.BooleanSupplier watchClient(long pid) {
    java.util.Optional<ProcessHandle> client = ProcessHandle.of(pid);
    java.util.function.BooleanSupplier alive = () -> client.map(ProcessHandle::isAlive).orElse(false);
    DaemonThreads.start("taskwire-client-watch", () -> {
      while (alive.getAsBoolean()) {
        try {
          Thread.sleep(CLIENT_CHECK_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("taskwire-wrapper: the client (pid " + pid + ") is gone; stopping");
      Runtime.getRuntime().halt(WrapperExit.CLIENT_GONE.code());
    });
    return alive;
  }

  /** Whether another call is already in the pipe. */
  private static boolean waiting(DataInputStream calls) {
    try {
      return calls.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes the held results, signed, on the stream to the caller. */
  private static boolean deliver(List<ResultEnvelope> held, DataOutputStream frames, ResultSigner signer) {
    if (held.isEmpty()) {
      return true;
    }
    try {
      WireFormat.writeResults(frames, held, signer.key());
      return true;
    } catch (IOException e) {
      System.err.println("taskwire-wrapper: cannot deliver the results of calls "
          + held.stream().map(r -> Long.toString(r.callId())).collect(java.util.stream.Collectors.joining(", "))
          + ": " + e.getMessage());
      return false;
    }
  }
}
