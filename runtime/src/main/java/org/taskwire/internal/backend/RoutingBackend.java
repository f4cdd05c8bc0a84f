package org.taskwire.internal.backend;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The backends of a run whose works do not all run on one ({@code taskwire.work.<work>.backend}):
 * each task goes to its work's backend, and everything else to the one that ran the call. The run
 * keeps one journal, one collector and one resume over all of them: they report to the same sink.
 */
public final class RoutingBackend implements Backend {
  private final Map<String, Backend> byName;
  private final Function<String, String> backendOfWork;
  /** Which backend each call went to, for cancelling it there. */
  private final Map<Long, Backend> byCall = new ConcurrentHashMap<>();

  /**
   * @param byName the run's backends, by name
   * @param backendOfWork a work's name to its backend's name
   */
  public RoutingBackend(Map<String, Backend> byName, Function<String, String> backendOfWork) {
    this.byName = new LinkedHashMap<>(byName);
    this.backendOfWork = backendOfWork;
  }

  /** The backend a work's calls go to. */
  private Backend of(String work) {
    return byName.get(backendOfWork.apply(work));
  }

  @Override
  public void submit(Task task) {
    Backend backend = of(task.work().name());
    task.calls().forEach(c -> byCall.put(c.callId(), backend));
    backend.submit(task);
  }

  @Override
  public void reattach(Task task, Map<Long, Map<String, String>> handles) {
    Backend backend = of(task.work().name());
    task.calls().forEach(c -> byCall.put(c.callId(), backend));
    backend.reattach(task, handles);
  }

  @Override
  public void cancel(long callId) {
    Backend backend = byCall.get(callId);
    if (backend != null) {
      backend.cancel(callId);
    }
  }

  @Override
  public Duration stepWindow(String work) {
    return of(work).stepWindow(work);
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (Backend b : byName.values()) {
      try {
        b.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
