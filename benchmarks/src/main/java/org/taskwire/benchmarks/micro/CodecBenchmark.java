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
import org.taskwire.benchmarks.BenchAccess;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.spi.WorkDefinition;

/** Encoding and decoding one call's arguments and one result, per codec: the work on every call's path. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
  @Param({"kryo", "json"})
  public String codec;

  private PayloadCodec payloads;
  private WorkDefinition<?, ?> inc;
  private WorkDefinition<?, ?> blob;
  private Record arguments;
  private byte[] encodedArguments;
  private byte[] result4k;
  private byte[] encodedResult4k;

  @Setup
  public void setUp() {
    payloads = Codecs.byName(BenchAccess.workflow(), codec);
    inc = BenchAccess.inc();
    blob = BenchAccess.blob();
    arguments = BenchAccess.incArgs(42);
    encodedArguments = payloads.encodeArguments(inc, arguments);
    result4k = new byte[4096];
    new java.util.Random(1).nextBytes(result4k);
    encodedResult4k = payloads.encodeResult(blob, result4k);
  }

  @Benchmark
  public byte[] encodeArguments() {
    return payloads.encodeArguments(inc, arguments);
  }

  @Benchmark
  public Record decodeArguments() {
    return payloads.decodeArguments(inc, encodedArguments);
  }

  @Benchmark
  public byte[] encodeResult4k() {
    return payloads.encodeResult(blob, result4k);
  }

  @Benchmark
  public Object decodeResult4k() {
    return payloads.decodeResult(blob, encodedResult4k);
  }
}
