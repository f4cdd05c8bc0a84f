package org.taskwire.internal.call;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.taskwire.FailureKind;
import org.taskwire.internal.codec.CodecException;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
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

  private CallExecutor(List<WorkflowDefinition> definitions) {
    for (WorkflowDefinition workflow : definitions) {
      workflows.put(workflow.workflowClass(), workflow);
      for (WorkDefinition<?, ?> work : workflow.works()) {
        works.put(work.id(), work);
      }
    }
  }

  /** An executor for the given workflows. */
  public static CallExecutor of(List<WorkflowDefinition> workflows) {
    return new CallExecutor(workflows);
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
    return new CallExecutor(found);
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
    Object result;
    try {
      result = invoke(work, arguments);
    } catch (Throwable t) {
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
