package org.taskwire.internal.journal;

import java.util.List;
import java.util.Map;
import org.taskwire.internal.call.RemoteError;

/**
 * What a run writes to its journal, record by record; {@link #OFF} when journaling is off. The
 * writer batches and syncs; these methods never block.
 */
public final class RunJournal implements AutoCloseable {
  /** A journal that records nothing ({@code taskwire.journal=false}). */
  public static final RunJournal OFF = new RunJournal(null);

  private final JournalWriter writer;

  public RunJournal(JournalWriter writer) {
    this.writer = writer;
  }

  public boolean isOn() {
    return writer != null;
  }

  public void append(JournalRecord record) {
    if (writer != null) {
      writer.append(record);
    }
  }

  public void declared(long callId, String key, String work, long task, List<Long> dependsOn) {
    append(new JournalRecord.CallDeclared(callId, key, work, task, List.copyOf(dependsOn)));
  }

  public void submitted(long callId, int attempt, Map<String, String> handle) {
    append(new JournalRecord.CallSubmitted(callId, attempt, handle));
  }

  public void succeeded(long callId, int attempt, String codec, byte[] result) {
    succeeded(callId, attempt, codec, result, null, 0, 0);
  }

  /**
   * A call succeeded, with the files in its result (null for a work that returns none) and when its
   * attempt ran (0 where unknown).
   */
  public void succeeded(long callId, int attempt, String codec, byte[] result, List<JournalRecord.KeptFile> files,
      long startedAt, long finishedAt) {
    append(new JournalRecord.CallSucceeded(callId, attempt, codec, result, files, startedAt, finishedAt));
  }

  public void datasetOpened(String work, String rucio, String scope, String name, String rse) {
    append(new JournalRecord.DatasetOpened(System.currentTimeMillis(), work, rucio, scope, name, rse));
  }

  public void datasetClosed(String scope, String name) {
    append(new JournalRecord.DatasetClosed(System.currentTimeMillis(), scope, name));
  }

  /** A call failed for good; its last attempt was seen to start at {@code startedAt} (0 if never). */
  public void failed(long callId, int attempt, RemoteError e, long startedAt) {
    append(new JournalRecord.CallFailed(callId, attempt, e.kind().name(), e.className(), e.message(), e.stackTrace(),
        e.logLocation(), e.backendDetail(), startedAt, System.currentTimeMillis()));
  }

  /** Waits until what was appended is on disk. */
  public void flush() {
    if (writer != null) {
      writer.flush();
    }
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }
}
