package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The v1 calls Taskwire uses, typed: the cache, task submission, status and control, job
 * descriptions, job metadata and user secrets. Parameter names and types are exactly the server's
 * (it rejects unknown keys and, on POST, values of the wrong JSON type).
 */
public final class PandaApi {
  /** The server truncates job-description requests to this many ids. */
  public static final int MAX_JOB_IDS = 5500;
  private static final Pattern TASK_ID = Pattern.compile("jediTaskID=(\\d+)");
  /**
   * The server's refusal of a second task of the same name ({@code uniqueTaskName}): code 1, still
   * queued in DEFT, or code 2, still active in JEDI.
   */
  private static final Pattern ACTIVE_SAME_NAME =
      Pattern.compile("^jediTaskID=(\\d+) is (?:already queued|in the \\w+ state) for outDS=");

  private final PandaClient client;

  public PandaApi(PandaClient client) {
    this.client = client;
  }

  /** What {@code file_server/validate_cache_file} found: the host and the file name it holds. */
  public record CachedFile(String host, String fileName) {}

  /**
   * Asks whether the server's cache already holds a file of this size and gzip-trailer CRC,
   * uploaded by this user within the last 3 days.
   */
  public Optional<CachedFile> validateCacheFile(long size, long checksum) {
    PandaClient.Envelope answer = client.postEnvelope("file_server", "validate_cache_file",
        Map.of("file_size", size, "checksum", checksum));
    String message = answer.message();
    if (answer.success() && message.startsWith("FOUND:")) {
      String[] parts = message.split(":", 3);
      return Optional.of(new CachedFile(parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : ""));
    }
    if (message.startsWith("NOTFOUND")) {
      return Optional.empty();
    }
    throw new PandaException("file_server/validate_cache_file", 200, message, null);
  }

  /**
   * Uploads a file to the cache under its base name. A name the cache already holds is not
   * overwritten; that answer comes back as {@code false}, other refusals throw.
   */
  public boolean uploadCacheFile(Path file) {
    PandaClient.Envelope answer = client.upload("file_server", "upload_cache_file", file);
    if (answer.success()) {
      return true;
    }
    if (answer.message().contains("cannot overwrite file")) {
      return false;
    }
    throw new PandaException("file_server/upload_cache_file", 200, answer.message(), null);
  }

  /** The checksum the cache keys files by: the CRC32 in a gzip file's trailer (its last 8 bytes). */
  public static long gzipChecksum(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() < 8) {
        throw new IOException(file + " is too short to be gzip");
      }
      f.seek(f.length() - 8);
      byte[] b = new byte[4];
      f.readFully(b);
      return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
    }
  }

  /**
   * Submits a task; returns its jediTaskID. A re-executed finished task with the same name
   * (code 3) counts as success, as prun treats it.
   */
  public long submitTask(Map<String, Object> taskParameters) {
    Map<String, Object> body = new HashMap<>();
    body.put("task_parameters", taskParameters);
    body.put("parent_tid", null);
    PandaClient.Envelope answer = client.postEnvelope("task", "submit", body);
    Matcher active = ACTIVE_SAME_NAME.matcher(answer.message() == null ? "" : answer.message());
    int refusal = answer.data().isIntegralNumber() ? answer.data().asInt() : 0;
    if (!answer.success() && (refusal == 1 || refusal == 2) && active.find()) {
      // A run's task names are its own: this is the run's task, submitted by a client that died
      // before it could record the id. Take it up instead of running its jobs twice.
      return Long.parseLong(active.group(1));
    }
    if (!answer.success()) {
      String code = answer.data().isNumber() ? " (code " + answer.data().asInt() + ")" : "";
      throw new PandaException("task/submit", 200, answer.message() + code, null);
    }
    if (answer.data().isIntegralNumber()) {
      return answer.data().asLong();
    }
    Matcher m = TASK_ID.matcher(answer.message());
    if (m.find()) {
      return Long.parseLong(m.group(1));
    }
    throw new PandaException("task/submit", 200, "no jediTaskID in the answer: " + answer.message(), null);
  }

  /** The task's status, or empty while JEDI has not picked it up yet ({@code Task not found}). */
  public Optional<String> taskStatus(long taskId) {
    PandaClient.Envelope answer = client.getEnvelope("task", "get_status", Map.of("task_id", taskId));
    if (answer.success()) {
      return Optional.of(answer.data().asText());
    }
    if (answer.message().contains("not found")) {
      return Optional.empty();
    }
    throw new PandaException("task/get_status", 200, answer.message(), null);
  }

  /** {@code task/get_details} with the status: statistics, PandaIDs, status. */
  public JsonNode taskDetails(long taskId) {
    return client.get("task", "get_details",
        Map.of("task_id", taskId, "include_parameters", false, "include_status", true));
  }

  /** Every PandaID of the task, in any state. */
  public List<Long> jobIds(long taskId) {
    List<Long> ids = new ArrayList<>();
    client.get("task", "get_job_ids", Map.of("task_id", taskId)).forEach(n -> ids.add(n.asLong()));
    return ids;
  }

  /** Job descriptions, asked for in batches of at most {@value #MAX_JOB_IDS}; unknown ids are skipped. */
  public List<JsonNode> jobs(List<Long> jobIds) {
    List<JsonNode> jobs = new ArrayList<>();
    for (int i = 0; i < jobIds.size(); i += MAX_JOB_IDS) {
      List<Long> batch = jobIds.subList(i, Math.min(jobIds.size(), i + MAX_JOB_IDS));
      JsonNode answer = client.post("job", "get_description", Map.of("job_ids", batch));
      answer.forEach(job -> {
        if (job != null && !job.isNull()) {
          jobs.add(job);
        }
      });
    }
    return jobs;
  }

  /** Asks JEDI to kill the task; false if it is already final. */
  public boolean killTask(long taskId) {
    PandaClient.Envelope answer = client.postEnvelope("task", "kill", Map.of("task_id", taskId, "broadcast", false));
    if (answer.success()) {
      return true;
    }
    if (answer.message().contains("not accepted")) {
      return false;
    }
    throw new PandaException("task/kill", 200, answer.message(), null);
  }

  /** Retries the failed jobs of a finished or failed task; returns the server's message. */
  public String retryTask(long taskId) {
    PandaClient.Envelope answer = client.postEnvelope("task", "retry", Map.of("task_id", taskId));
    int code = answer.data().isNumber() ? answer.data().asInt() : 0;
    if (!answer.success() || (code != 0 && code != 3)) {
      throw new PandaException("task/retry", 200, answer.message() + " (code " + code + ")", null);
    }
    return answer.message();
  }

  /** Kills jobs; one flag per id says whether the kill was accepted. */
  public List<Boolean> killJobs(List<Long> jobIds) {
    List<Boolean> accepted = new ArrayList<>();
    client.post("job", "kill", Map.of("job_ids", jobIds)).forEach(n -> accepted.add(n.asBoolean()));
    return accepted;
  }

  /** The job metadata of the task's finished jobs, by PandaID. */
  public Map<Long, JsonNode> jobMetadata(long taskId) {
    JsonNode data = client.get("job", "get_metadata_for_analysis_jobs", Map.of("task_id", taskId));
    Map<Long, JsonNode> byJob = new LinkedHashMap<>();
    data.properties().forEach(e -> byJob.put(Long.parseLong(e.getKey()), e.getValue()));
    return byJob;
  }

  /** Stores a user secret; a null value deletes it. */
  public void setUserSecret(String key, String value) {
    Map<String, Object> body = new HashMap<>();
    body.put("key", key);
    body.put("value", value);
    client.post("creds", "set_user_secrets", body);
  }
}
