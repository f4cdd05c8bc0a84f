package org.taskwire;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.taskwire.backend.Task;
import org.taskwire.benchmarks.BenchAccess;
import org.taskwire.call.CallEnvelope;
import org.taskwire.call.ResultEnvelope;
import org.taskwire.codec.Codecs;
import org.taskwire.codec.PayloadCodec;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;

/**
 * The collector matching results to outstanding calls: for each of a fan-out's calls, track it,
 * then complete it from its result (lookup, attempt check, decode, future completion), among
 * {@code outstanding} other calls. In the {@code org.taskwire} package because the collector is
 * internal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CollectorBenchmark {
  static final int BATCH = 1000;

  @Param({"0", "100000"})
  public int outstanding;

  private final String runId = "run";
  private CallCollector collector;
  private Task task;
  private PayloadCodec codec;
  private byte[] output;
  private long nextId;

  @Setup
  public void setUp() {
    collector = new CallCollector(runId);
    WorkDefinition<?, ?> inc = BenchAccess.inc();
    codec = Codecs.byName(BenchAccess.workflow(), "kryo");
    output = codec.encodeResult(inc, 43);
    task = new Task(1, BenchAccess.workflow(), inc, JobOptions.BUILT_IN, List.of());
    TaskProgress progress = new TaskProgress(outstanding);
    for (int i = 0; i < outstanding; i++) {
      collector.track(new PendingCall(task, envelope(++nextId), codec, 3, progress));
    }
  }

  private CallEnvelope envelope(long id) {
    return new CallEnvelope(runId, id, 1, task.work().id(), "kryo", new byte[0]);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int trackAndComplete() {
    TaskProgress progress = new TaskProgress(BATCH);
    List<PendingCall> calls = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      PendingCall call = new PendingCall(task, envelope(++nextId), codec, 3, progress);
      collector.track(call);
      calls.add(call);
    }
    for (PendingCall call : calls) {
      collector.completed(new ResultEnvelope(runId, call.firstAttempt.callId(), 1, output, null, 0, 0));
    }
    return progress.succeeded.get();
  }
}
