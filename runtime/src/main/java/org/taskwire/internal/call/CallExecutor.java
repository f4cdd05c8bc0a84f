package org.taskwire.internal.call;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.taskwire.DataFile;
import org.taskwire.FailureKind;
import org.taskwire.internal.codec.CodecException;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.data.CallFiles;
import org.taskwire.internal.data.DataFileException;
import org.taskwire.internal.data.DataStore;
import org.taskwire.spi.Invoker;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkRegistry;
import org.taskwire.spi.WorkflowDefinition;

/**
 * Decode, invoke, encode: the one path every call takes on a worker, whichever backend runs it.
 * Only works declared by a registry can be invoked. Never throws: every problem becomes a
 * {@link ResultEnvelope} carrying a {@link RemoteError} of the right {@link FailureKind}.
 */
public final class CallExecutor {
  private final Map<String, WorkDefinition<?, ?>> works = new LinkedHashMap<>();
  private final Map<String, WorkflowDefinition> workflows = new LinkedHashMap<>();
  /** The works whose arguments or result may hold a {@link DataFile}: only their calls are walked for files. */
  private final Set<String> withFiles = new HashSet<>();
  private final DataStore data;
  private final long maxFileBytes;

  private CallExecutor(List<WorkflowDefinition> definitions, DataStore data, long maxFileBytes) {
    this.data = data;
    this.maxFileBytes = maxFileBytes;
    for (WorkflowDefinition workflow : definitions) {
      workflows.put(workflow.workflowClass(), workflow);
      for (WorkDefinition<?, ?> work : workflow.works()) {
        works.put(work.id(), work);
        if (work.travellingTypes().contains(DataFile.class)) {
          withFiles.add(work.id());
        }
      }
    }
  }

  /**
   * The same executor, keeping the files calls create in {@code store} (null: none can), none
   * larger than {@code maxFileBytes}.
   */
  public CallExecutor withData(DataStore store, long maxFileBytes) {
    return new CallExecutor(List.copyOf(workflows.values()), store, maxFileBytes);
  }

  /** An executor for the given workflows. */
  public static CallExecutor of(List<WorkflowDefinition> workflows) {
    return new CallExecutor(workflows, null, Long.MAX_VALUE);
  }

  /**
   * An executor for every registry the class loader's {@code META-INF/services} lists.
   *
   * @throws java.util.ServiceConfigurationError if a listed registry cannot be loaded
   */
  public static CallExecutor fromRegistries(ClassLoader loader) {
    List<WorkflowDefinition> found = ServiceLoader.load(WorkRegistry.class, loader).stream()
        .map(p -> p.get().workflow())
        .toList();
    return new CallExecutor(found, null, Long.MAX_VALUE);
  }

  /** The workflows this executor can run, by class name. */
  public Map<String, WorkflowDefinition> workflows() {
    return Map.copyOf(workflows);
  }

  /** The ids of the works this executor can run. */
  public List<String> workIds() {
    return List.copyOf(works.keySet());
  }

  /** Runs one call. */
  public ResultEnvelope execute(CallEnvelope call) {
    long started = System.currentTimeMillis();
    String missing = call.workId() == null ? "workId" : call.codec() == null ? "codec"
        : call.arguments() == null ? "arguments" : null;
    if (missing != null) {
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.BAD_PAYLOAD,
          "the call envelope has no " + missing), started, now());
    }
    WorkDefinition<?, ?> work = works.get(call.workId());
    if (work == null) {
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.BAD_PAYLOAD,
          "no work " + call.workId() + " on the worker's class path; it knows " + works.keySet()), started, now());
    }
    PayloadCodec codec;
    Record arguments;
    try {
      codec = Codecs.byName(workflows.get(work.workflowClass()), call.codec());
      arguments = codec.decodeArguments(work, call.arguments());
    } catch (CodecException | IllegalArgumentException e) {
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.BAD_PAYLOAD, e.getMessage()), started, now());
    } catch (RuntimeException e) {
      // A codec must never take the worker down over bad bytes; whatever it throws is a bad payload.
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.BAD_PAYLOAD,
          "cannot decode the arguments of " + work.name() + ": " + e), started, now());
    }
    CallFiles files = withFiles.contains(work.id())
        ? CallFiles.of(data, call.runId(), work.name(), call.callId(), call.attempt()).limitedTo(maxFileBytes) : null;
    try {
      return execute(call, work, codec, arguments, files, started);
    } finally {
      if (files != null) {
        files.close();
      }
    }
  }

  private ResultEnvelope execute(CallEnvelope call, WorkDefinition<?, ?> work, PayloadCodec codec, Record arguments,
      CallFiles files, long started) {
    if (files != null) {
      try {
        files.checkInputs(arguments);
      } catch (DataFileException e) {
        return ResultEnvelope.failure(call, RemoteError.of(FailureKind.BAD_PAYLOAD, e.getMessage()), started, now());
      }
    }
    Object result;
    try {
      result = files == null ? invoke(work, arguments) : files.run(() -> invoke(work, arguments));
      if (files != null) {
        result = files.record(result);
      }
    } catch (DataFileException e) {
      files.discard();
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.WORK_THREW, e.getMessage()), started, now());
    } catch (Throwable t) {
      if (files != null) {
        files.discard();
      }
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.WORK_THREW, t), started, now());
    }
    try {
      return ResultEnvelope.success(call, codec.encodeResult(work, result), started, now());
    } catch (CodecException e) {
      return ResultEnvelope.failure(call, RemoteError.of(FailureKind.RESULT_NOT_ENCODABLE, e.getMessage()), started, now());
    }
  }

  @SuppressWarnings("unchecked")
  private static <A extends Record, R> Object invoke(WorkDefinition<A, R> work, Record arguments) throws Throwable {
    Invoker<A, R> invoker = work.invoker();
    return invoker.invoke((A) arguments);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
