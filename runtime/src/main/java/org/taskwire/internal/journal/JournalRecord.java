package org.taskwire.internal.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One line of a run journal. The {@code type} property names the record; every record is
 * complete on its own line, so a torn last line loses only itself.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JournalRecord.RunStarted.class, name = "run-started"),
    @JsonSubTypes.Type(value = JournalRecord.RunResumed.class, name = "run-resumed"),
    @JsonSubTypes.Type(value = JournalRecord.CallDeclared.class, name = "call-declared"),
    @JsonSubTypes.Type(value = JournalRecord.CallSubmitted.class, name = "call-submitted"),
    @JsonSubTypes.Type(value = JournalRecord.CallSucceeded.class, name = "call-succeeded"),
    @JsonSubTypes.Type(value = JournalRecord.CallFailed.class, name = "call-failed"),
    @JsonSubTypes.Type(value = JournalRecord.CallsWaiting.class, name = "calls-waiting"),
    @JsonSubTypes.Type(value = JournalRecord.CallNotRun.class, name = "call-not-run"),
    @JsonSubTypes.Type(value = JournalRecord.DatasetOpened.class, name = "dataset-opened"),
    @JsonSubTypes.Type(value = JournalRecord.DatasetClosed.class, name = "dataset-closed"),
    @JsonSubTypes.Type(value = JournalRecord.RunClosed.class, name = "run-closed")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface JournalRecord {

  /**
   * A run began.
   *
   * @param config the configuration that was set, secrets left out
   * @param codeVersions each work's code version (work id to version), as the call keys use it
   * @param sandbox the key of the sandbox's content when the run ships one (PanDA, local workers
   *     from a sandbox), else null
   */
  record RunStarted(String runId, String workflowClass, String workflowName, String backend, long at, long pid,
      String codePolicy, Map<String, String> codeVersions, Map<String, String> config, String sandbox)
      implements JournalRecord {}

  /** A new client took the run up again. */
  record RunResumed(long at, long pid) implements JournalRecord {}

  /**
   * A call was made.
   *
   * @param key the call's stable identity ({@link CallKeys})
   * @param task the proxy invocation it belongs to; a fan-out's calls share it
   * @param dependsOn the calls whose results it waits for
   */
  record CallDeclared(long callId, String key, String work, long task, List<Long> dependsOn)
      implements JournalRecord {}

  /**
   * A backend took an attempt of a call.
   *
   * @param handle how to find it again: {@code system} and {@code task} for a batch system
   */
  record CallSubmitted(long callId, int attempt, Map<String, String> handle) implements JournalRecord {}

  /**
   * A call succeeded; {@code result} is the encoded value, in the call's codec.
   *
   * @param files the files in the result ({@code DataFile}s), or null for a work that returns none
   * @param startedAt when the attempt started running, epoch milliseconds on the worker's clock; 0
   *     if unknown (journals before the task stream)
   * @param finishedAt when it returned, as {@code startedAt}
   */
  record CallSucceeded(long callId, int attempt, String codec, byte[] result, List<KeptFile> files,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long startedAt,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long finishedAt) implements JournalRecord {
    public CallSucceeded(long callId, int attempt, String codec, byte[] result) {
      this(callId, attempt, codec, result, null, 0, 0);
    }

    public CallSucceeded(long callId, int attempt, String codec, byte[] result, List<KeptFile> files) {
      this(callId, attempt, codec, result, files, 0, 0);
    }
  }

  /** A file a call kept, as its {@code DataFile} says: readable without the workflow's classes. */
  record KeptFile(String name, long size, String adler32, String uri) {}

  /** A dataset the run registers its files in: a work's, in Rucio. */
  record DatasetOpened(long at, String work, String rucio, String scope, String name, String rse)
      implements JournalRecord {}

  /** A dataset the run closed: it takes no more files. */
  record DatasetClosed(long at, String scope, String name) implements JournalRecord {}

  /**
   * A call failed for good.
   *
   * @param startedAt when its last attempt was seen to start, epoch milliseconds on the client's
   *     clock; 0 if it never was
   * @param finishedAt when the client learnt of the failure; 0 in journals before the task stream
   */
  record CallFailed(long callId, int attempt, String kind, String className, String message, String stackTrace,
      String logLocation, String backendDetail, @JsonInclude(JsonInclude.Include.NON_DEFAULT) long startedAt,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long finishedAt) implements JournalRecord {
    public CallFailed(long callId, int attempt, String kind, String className, String message, String stackTrace,
        String logLocation, String backendDetail) {
      this(callId, attempt, kind, className, message, stackTrace, logLocation, backendDetail, 0, 0);
    }
  }

  /**
   * The run was closed.
   *
   * @param outstanding the calls that had no outcome then
   */
  /**
   * How many calls wait for their inputs, by work, whenever that changes (at most a few times a
   * second): a call that takes handles is declared only once its inputs have values.
   */
  record CallsWaiting(long at, Map<String, Integer> byWork) implements JournalRecord {}

  /** A call that never ran because an input failed ({@code DEPENDENCY_FAILED}); it was never declared. */
  record CallNotRun(long at, String work, String kind, String message) implements JournalRecord {}

  /**
   * The run closed; {@code error}, when set, is why it failed to start (a bad configuration, a
   * backend that could not start): such a run made no call.
   */
  record RunClosed(long at, int outstanding, String error) implements JournalRecord {
    public RunClosed(long at, int outstanding) {
      this(at, outstanding, null);
    }
  }
}
