package org.taskwire.benchmarks.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.message.RejectedMessageException;
import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.ResultMessages;
import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.SigningKey;

/** Signing a result message on the worker, and checking it (signature, route, run) on the client. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeBenchmark {
  @Param({"16", "4096"})
  public int outputBytes;

  private final String runId = "0123456789abcdef0123456789abcdef";
  private final Route route = Route.random(0, 0);
  private final SigningKey key = SigningKey.generate();
  private ResultEnvelope result;
  private ResultMessages.Context context;
  private byte[] body;

  @Setup
  public void setUp() {
    byte[] output = new byte[outputBytes];
    new java.util.Random(1).nextBytes(output);
    result = new ResultEnvelope(runId, 42, 1, output, null, 1L, 2L);
    context = new ResultMessages.Context(route, "org.taskwire.benchmarks.Bench#blob", "kryo");
    body = ResultMessages.encode(result, context, key).body();
  }

  @Benchmark
  public ResultMessage sign() {
    return ResultMessages.encode(result, context, key);
  }

  @Benchmark
  public ResultEnvelope check() throws RejectedMessageException {
    return ResultMessages.decode(body, route, runId, key);
  }
}
