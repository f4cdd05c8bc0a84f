package org.taskwire.wrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.CallExecutor;
import org.taskwire.internal.backend.panda.GridCalls;
import org.taskwire.internal.backend.panda.JobMetadata;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.net.Http;
import org.taskwire.internal.net.RetryPolicy;
import org.taskwire.internal.transport.Delivery;
import org.taskwire.internal.transport.ResultSender;

/**
 * One PanDA job: the call its pseudo file names, run once; the result goes to
 * {@code userJobMetadata.json} first (it survives any broker trouble), then over the transport.
 */
final class JobCall {
  private JobCall() {}

  static int run(RemoteWrapper options, CallExecutor executor, ResultSender sender) {
    CallEnvelope call;
    try {
      call = decode(options);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("taskwire-wrapper: cannot read call '" + options.jobCall + "': " + e.getMessage());
      return WrapperExit.BAD_PAYLOAD.code();
    }
    System.err.println("taskwire-wrapper: running call " + call.callId() + " of " + call.workId()
        + " in PanDA job " + System.getenv().getOrDefault("PandaID", System.getenv().getOrDefault("PANDAID", "?")));
    ResultEnvelope result = executor.execute(call);
    RemoteWrapper.report(result);
    boolean recorded = writeMetadata(result);
    Delivery delivery = sender == null ? Delivery.NONE : sender.send(result, call.workId(), call.codec());
    if (delivery == Delivery.NONE) {
      System.err.println("taskwire-wrapper: no broker or relay took the result of call " + call.callId()
          + (recorded ? "; it is in " + JobMetadata.FILE_NAME + " for the client to read" : ""));
      if (!recorded) {
        return WrapperExit.DELIVERY_FAILED.code();
      }
    }
    return RemoteWrapper.exitFor(result);
  }

  private static CallEnvelope decode(RemoteWrapper o) throws IOException {
    String name = o.jobCall.trim();
    if (name.contains(",")) {
      throw new IllegalArgumentException("one job runs one call, got several: " + name);
    }
    long callId = GridCalls.callId(name);
    byte[] arguments = GridCalls.inlineArguments(name).orElse(null);
    if (arguments == null) {
      if (o.callsFile == null) {
        throw new IllegalArgumentException("call " + callId + " has no inline arguments and no --calls file was given");
      }
      arguments = GridCalls.fromCallsFile(fetch(o.sourceUrl, o.callsFile), callId);
    }
    return new CallEnvelope(o.runId, callId, 1, o.workId, o.codec.toLowerCase(Locale.ROOT), arguments);
  }

  /** The calls file: from the working directory if runGen or a test put it there, else the cache. */
  private static byte[] fetch(String sourceUrl, String name) throws IOException {
    Path local = Path.of(name);
    if (Files.isRegularFile(local)) {
      return Files.readAllBytes(local);
    }
    String url = sourceUrl.replaceAll("/+$", "") + "/cache/" + name;
    OkHttpClient http = Http.shared().newBuilder().callTimeout(Duration.ofMinutes(5)).build();
    Request request = new Request.Builder().url(url).build();
    RetryPolicy.RetryListener say = (why, wait) ->
        System.err.println("taskwire-wrapper: " + url + ": " + why + "; retrying in " + wait.toSeconds() + " s");
    try (Response response = new RetryPolicy(3, Duration.ofSeconds(1)).execute(http, request, say)) {
      if (response.code() == 404) {
        throw new java.io.FileNotFoundException(
            url + " does not exist (404); the cache keeps files 7 days after their last use");
      }
      if (!response.isSuccessful()) {
        throw new IOException(url + " answered HTTP " + response.code());
      }
      return response.body().bytes();
    }
  }

  private static boolean writeMetadata(ResultEnvelope result) {
    try {
      RemoteWrapper.writeAtomically(Path.of(JobMetadata.FILE_NAME), JobMetadata.of(result));
      return true;
    } catch (IOException e) {
      System.err.println("taskwire-wrapper: cannot write " + JobMetadata.FILE_NAME + ": " + e.getMessage());
      return false;
    }
  }
}
