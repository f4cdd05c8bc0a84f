package org.taskwire.benchmarks;

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
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.run.CallCollector;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;

/**
 * The collector matching results to outstanding calls: for each of a fan-out's calls, track it,
 * then complete it from its result (lookup, attempt check, decode, future completion), among
 * {@code outstanding} other calls.
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
      collector.report(new CallEvent.Succeeded(new ResultEnvelope(runId, call.callId(), 1, output, null, 0, 0)));
    }
    return progress.succeeded();
  }
}
