package org.taskwire.testing.panda;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A PanDA server and its grid in one process, for tests and for trying the panda backend without a
 * grid: the v1 routes Taskwire uses with the server's request rules (exact JSON headers, argument
 * and type checks, the envelope, 403 routes, bearer-token users and task ownership), the file cache
 * ({@code /cache/<name>} without authentication, size classes, no overwrite, gzip-CRC duplicate
 * check), JEDI's task and job state machines ({@link Jedi}) and pilots that run each job in its own
 * process ({@link Pilot}). Users are given as bearer tokens; with no token configured, requests
 * without credentials act as one open user.
 */
public final class PandaEmulator implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private static final long SANDBOX_LIMIT = 768L << 20;
  private static final long NO_BUILD_LIMIT = 10L << 20;
  private static final long LOG_LIMIT = 100L << 20;

  private final Settings settings;
  private final Javalin app;
  private final Jedi jedi;
  private final Path cacheDir;
  private final List<Pilot> pilots = new ArrayList<>();
  private final ScheduledExecutorService ticker;
  private final Map<String, CacheEntry> cacheRegistry = new ConcurrentHashMap<>();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final String baseUrl;
  private final Map<String, Handler> handlers = handlers();

  /**
   * How the emulator runs.
   *
   * @param port the HTTP port; 0 picks a free one
   * @param directory where the cache and the jobs' work directories go
   * @param tokens bearer token to user name; empty means an open server
   * @param vo the VO tokens must name in {@code Origin}
   * @param pilots how many jobs run at once
   * @param refinerDelay how long a submitted task stays invisible ({@code Task not found})
   * @param tick how often JEDI moves tasks and jobs on
   */
  public record Settings(int port, Path directory, Map<String, String> tokens, String vo, int pilots,
      Duration refinerDelay, Duration tick) {

    /** An open emulator on a free port with 2 pilots and a 300 ms refiner delay. */
    public static Settings defaults(Path directory) {
      return new Settings(0, directory, Map.of(), "wlcg", 2, Duration.ofMillis(300), Duration.ofMillis(100));
    }

    public Settings withTokens(Map<String, String> tokens) {
      return new Settings(port, directory, Map.copyOf(tokens), vo, pilots, refinerDelay, tick);
    }

    public Settings withPort(int port) {
      return new Settings(port, directory, tokens, vo, pilots, refinerDelay, tick);
    }

    public Settings withPilots(int pilots) {
      return new Settings(port, directory, tokens, vo, pilots, refinerDelay, tick);
    }
  }

  private record CacheEntry(String owner, String name, long size, long checksum, Instant created) {}

  private PandaEmulator(Settings settings) throws IOException {
    this.settings = settings;
    this.cacheDir = Files.createDirectories(settings.directory().resolve("cache"));
    Path jobsDir = Files.createDirectories(settings.directory().resolve("jobs"));
    this.jedi = new Jedi(settings.refinerDelay());
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jetty.multipartConfig.maxFileSize(SANDBOX_LIMIT + (1 << 20), io.javalin.config.SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(SANDBOX_LIMIT + (2 << 20), io.javalin.config.SizeUnit.BYTES);
      config.jetty.multipartConfig.maxInMemoryFileSize(1, io.javalin.config.SizeUnit.MB);
      config.http.maxRequestSize = SANDBOX_LIMIT + (2 << 20);
    });
    app.get("/cache/{name}", this::serveCache);
    app.get("/logs/{id}/{file}", this::serveLog);
    app.get("/api/{version}/{module}/{method}", ctx -> api(ctx, "GET"));
    app.post("/api/{version}/{module}/{method}", ctx -> api(ctx, "POST"));
    app.start("127.0.0.1", settings.port());
    this.baseUrl = "http://127.0.0.1:" + app.port();
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "panda-emulator-jedi");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(jedi::tick, settings.tick().toMillis(), settings.tick().toMillis(), TimeUnit.MILLISECONDS);
    for (int i = 0; i < settings.pilots(); i++) {
      Pilot pilot = new Pilot(jedi, jobsDir, baseUrl + "/logs/");
      pilots.add(pilot);
      Thread t = new Thread(pilot, "panda-emulator-pilot-" + (i + 1));
      t.setDaemon(true);
      t.start();
    }
  }

  /** Starts an emulator. */
  public static PandaEmulator start(Settings settings) throws IOException {
    return new PandaEmulator(settings);
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}: PANDA_URL_SSL and PANDACACHE_URL. */
  public URI url() {
    return URI.create(baseUrl);
  }

  /** How often a v1 method was called, e.g. {@code file_server/upload_cache_file}. */
  public int calls(String moduleAndMethod) {
    return calls.getOrDefault(moduleAndMethod, 0);
  }

  /** A task's status as JEDI has it, or null. */
  public String taskStatus(long taskId) {
    synchronized (jedi) {
      Jedi.TaskRecord t = jedi.tasks.get(taskId);
      return t == null ? null : t.status;
    }
  }

  /** The ids of all tasks, oldest first. */
  public List<Long> taskIds() {
    synchronized (jedi) {
      return List.copyOf(jedi.tasks.keySet());
    }
  }

  /** The task parameters a task was submitted with. */
  public Map<String, Object> taskParameters(long taskId) {
    synchronized (jedi) {
      // transHome and other parameters may be null, as in the server's JSON.
      return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jedi.tasks.get(taskId).params));
    }
  }

  /** The status of each job of a task, by PandaID. */
  public Map<Long, String> jobStatuses(long taskId) {
    synchronized (jedi) {
      Map<Long, String> out = new LinkedHashMap<>();
      jedi.jobs.values().stream().filter(j -> j.task.id == taskId).forEach(j -> out.put(j.pandaId, j.status));
      return out;
    }
  }

  /**
   * Changes what the pilots hand to jobs as {@code panda_secrets.json}, e.g. to give jobs broker
   * addresses they cannot reach, as grid nodes often cannot reach a laptop.
   */
  public void interceptSecrets(java.util.function.UnaryOperator<Map<String, String>> filter) {
    jedi.secretFilter = filter;
  }

  /** Waits until every job of the task is final (finished, failed, cancelled, closed); false on timeout. */
  public boolean awaitFinalJobs(long taskId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (jobStatuses(taskId).values().stream().allMatch(Jedi.FINAL_JOB::contains)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A user's secrets as jobs get them. */
  public Map<String, String> secrets(String user) {
    return Map.copyOf(jedi.secrets.getOrDefault(user, Map.of()));
  }

  /** Stops the pilots, kills every job still running (its whole process tree), and the server. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pilots.forEach(Pilot::stop);
    ticker.shutdownNow();
    List<ProcessHandle> running = new ArrayList<>();
    synchronized (jedi) {
      for (Jedi.JobRecord j : jedi.jobs.values()) {
        Process p = j.process;
        if (p != null) {
          running.add(p.toHandle());
          p.descendants().forEach(running::add);
        }
        jedi.kill(j, 100, "emulator stopped");
      }
    }
    for (ProcessHandle h : running) {
      h.destroyForcibly();
      try {
        h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // gone or going; nothing more can be done
      }
    }
    app.stop();
  }

  // ---- HTTP ----

  private void serveCache(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    Path file = cacheDir.resolve(name).normalize();
    if (!file.getParent().equals(cacheDir) || !Files.isRegularFile(file)) {
      ctx.status(404).result("not found");
      return;
    }
    ctx.header("Content-Length", Long.toString(Files.size(file)));
    ctx.contentType("application/octet-stream");
    ctx.result(Files.newInputStream(file));
  }

  private void serveLog(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    if (!file.equals("payload.stdout") && !file.equals("payload.stderr")) {
      ctx.status(404).result("not found");
      return;
    }
    Path path = settings.directory().resolve("jobs").resolve("PanDA_Pilot-" + ctx.pathParam("id")).resolve(file);
    if (!Files.isRegularFile(path)) {
      ctx.status(404).result("not found");
      return;
    }
    ctx.contentType("text/plain").result(Files.readString(path));
  }

  private void api(Context ctx, String httpMethod) throws Exception {
    String version = ctx.pathParam("version");
    String module = ctx.pathParam("module");
    String method = ctx.pathParam("method");
    Route route = ROUTES.get(module + "/" + method);
    if (!(version.equals("v1") || version.equals("latest")) || route == null) {
      ctx.status(403).contentType("text/plain").result("ERROR : method " + method + " is forbidden");
      return;
    }
    calls.merge(module + "/" + method, 1, Integer::sum);
    String user;
    String auth = ctx.header("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      user = settings.tokens().get(auth.substring("Bearer ".length()).trim());
      if (user == null) {
        forbidden(ctx, "ERROR : Token authentication failed. Invalid token. Signature verification failed");
        return;
      }
      String origin = ctx.header("Origin");
      if (origin == null || !origin.split("[:.]")[0].equals(settings.vo())) {
        forbidden(ctx, "ERROR : Token authentication failed. Unknown vo : " + origin);
        return;
      }
    } else {
      user = settings.tokens().isEmpty() ? "Taskwire User" : null;
    }
    boolean json = "application/json".equals(ctx.header("Accept"))
        || "application/json".equals(ctx.header("Content-Type"));
    Map<String, Object> answer;
    if (route.secure && user == null) {
      answer = envelope(false, "SSL secure connection is required", null);
    } else if (!route.http.equals(httpMethod) && !route.http.equals("ANY")) {
      answer = envelope(false, "expecting " + route.http + ", received " + httpMethod, null);
    } else if (route.multipart) {
      answer = upload(ctx, user);
    } else {
      Map<String, Object> args;
      try {
        args = "GET".equals(httpMethod) ? Params.fromQuery(ctx, route.params()) : Params.fromJsonBody(ctx, route.params());
      } catch (Params.Invalid e) {
        if (e.serverError) {
          ctx.status(500).contentType("text/plain").result(e.getMessage());
          return;
        }
        answer = envelope(false, e.getMessage(), null);
        respond(ctx, json, answer);
        return;
      }
      answer = handle(module + "/" + method, args, user);
    }
    respond(ctx, json, answer);
  }

  private static void forbidden(Context ctx, String message) {
    ctx.status(403).contentType("text/plain").result(message);
  }

  private static void respond(Context ctx, boolean json, Map<String, Object> answer) throws IOException {
    // The server answers text/plain even for JSON, and Python's str(dict) when JSON was not asked for.
    ctx.contentType("text/plain");
    ctx.result(json ? MAPPER.writeValueAsString(answer) : PythonRepr.of(answer));
  }

  static Map<String, Object> envelope(boolean success, String message, Object data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("success", success);
    m.put("message", message);
    m.put("data", data);
    return m;
  }

  // ---- routes ----

  private record Route(String http, boolean secure, boolean multipart, Map<String, Params.Spec> params) {}

  private static final Map<String, Route> ROUTES = new HashMap<>();

  private static void route(String name, String http, boolean secure, Params.Spec... params) {
    Map<String, Params.Spec> p = new LinkedHashMap<>();
    for (Params.Spec s : params) {
      p.put(s.name(), s);
    }
    ROUTES.put(name, new Route(http, secure, false, p));
  }

  static {
    route("system/is_alive", "GET", false);
    ROUTES.put("file_server/upload_cache_file", new Route("POST", true, true, Map.of()));
    route("file_server/validate_cache_file", "POST", true, Params.required("file_size", Params.Type.INT),
        Params.required("checksum", Params.Type.ANY));
    route("task/submit", "POST", true, Params.required("task_parameters", Params.Type.DICT),
        Params.optional("parent_tid", Params.Type.INT));
    route("task/get_status", "GET", true, Params.required("task_id", Params.Type.INT));
    route("task/get_details", "GET", true, Params.required("task_id", Params.Type.INT),
        Params.optional("include_parameters", Params.Type.BOOL), Params.optional("include_status", Params.Type.BOOL));
    route("task/get_job_ids", "GET", true, Params.required("task_id", Params.Type.INT));
    route("task/get_job_descriptions", "GET", true, Params.required("task_id", Params.Type.INT),
        Params.optional("unsuccessful_only", Params.Type.BOOL));
    route("task/kill", "POST", true, Params.required("task_id", Params.Type.INT),
        Params.optional("broadcast", Params.Type.BOOL));
    route("task/retry", "POST", true, Params.required("task_id", Params.Type.INT),
        Params.optional("new_parameters", Params.Type.DICT), Params.optional("no_child_retry", Params.Type.BOOL),
        Params.optional("discard_events", Params.Type.BOOL), Params.optional("disable_staging_mode", Params.Type.BOOL),
        Params.optional("keep_gshare_priority", Params.Type.BOOL));
    route("job/get_description", "ANY", true, Params.required("job_ids", Params.Type.LIST_INT));
    route("job/kill", "POST", true, Params.required("job_ids", Params.Type.LIST_INT),
        Params.optional("code", Params.Type.INT), Params.optional("use_email_as_id", Params.Type.BOOL),
        Params.optional("kill_options", Params.Type.LIST_STR));
    route("job/get_metadata_for_analysis_jobs", "GET", true, Params.required("task_id", Params.Type.INT));
    route("creds/set_user_secrets", "POST", true, Params.optional("key", Params.Type.STR),
        Params.optional("value", Params.Type.STR));
    route("creds/get_user_secrets", "GET", true, Params.optional("keys", Params.Type.LIST_STR));
    // What pbook and prun call besides (panda-client 2.x): full job records, task listings and parameters.
    route("job/get_description_incl_archive", "ANY", true, Params.required("job_ids", Params.Type.LIST_INT));
    route("task/get_tasks_detailed_info_since", "GET", true, Params.optional("since", Params.Type.STR),
        Params.optional("filters", Params.Type.STR), Params.optional("n_tasks", Params.Type.INT));
    route("task/get_tasks_modified_since", "GET", true, Params.required("since", Params.Type.STR),
        Params.optional("dn", Params.Type.STR), Params.optional("full", Params.Type.BOOL),
        Params.optional("min_task_id", Params.Type.INT), Params.optional("prod_source_label", Params.Type.STR));
    route("task/get_task_parameters", "GET", true, Params.required("task_id", Params.Type.INT));
    route("task/finish", "POST", true, Params.required("task_id", Params.Type.INT),
        Params.optional("soft", Params.Type.BOOL), Params.optional("broadcast", Params.Type.BOOL));
  }

  /** What one route does with its checked arguments, for the user the token names. */
  @FunctionalInterface
  private interface Handler {
    Map<String, Object> handle(Map<String, Object> arguments, String user) throws IOException;
  }

  /** The handlers, by route; those that read or change JEDI's state hold its lock. */
  private Map<String, Handler> handlers() {
    Map<String, Handler> handlers = new HashMap<>();
    handlers.put("system/is_alive", this::systemIsAlive);
    handlers.put("file_server/validate_cache_file", this::fileServerValidateCacheFile);
    handlers.put("task/submit", this::taskSubmit);
    handlers.put("creds/set_user_secrets", this::credsSetUserSecrets);
    handlers.put("creds/get_user_secrets", this::credsGetUserSecrets);
    handlers.put("task/get_status", locked(this::taskGetStatus));
    handlers.put("task/get_details", locked(this::taskGetDetails));
    handlers.put("task/get_job_ids", locked(this::taskGetJobIds));
    handlers.put("task/get_job_descriptions", locked(this::taskGetJobDescriptions));
    handlers.put("job/get_description", locked(this::jobGetDescription));
    handlers.put("job/get_description_incl_archive", locked(this::jobGetDescription));
    handlers.put("task/get_task_parameters", locked(this::taskGetTaskParameters));
    handlers.put("task/get_tasks_detailed_info_since", locked(this::taskGetTasksDetailedInfoSince));
    handlers.put("task/get_tasks_modified_since", locked(this::taskGetTasksDetailedInfoSince));
    handlers.put("task/finish", locked(this::taskFinish));
    handlers.put("task/kill", locked(this::taskKill));
    handlers.put("task/retry", locked(this::taskRetry));
    handlers.put("job/kill", locked(this::jobKill));
    handlers.put("job/get_metadata_for_analysis_jobs", locked(this::jobGetMetadataForAnalysisJobs));
    return handlers;
  }

  private Handler locked(Handler handler) {
    return (a, user) -> {
      synchronized (jedi) {
        return handler.handle(a, user);
      }
    };
  }

  private Map<String, Object> handle(String name, Map<String, Object> a, String user) throws IOException {
    Handler handler = handlers.get(name);
    return handler == null ? envelope(false, "not emulated: " + name, null) : handler.handle(a, user);
  }

  private Map<String, Object> systemIsAlive(Map<String, Object> a, String user) throws IOException {
    return envelope(true, "", null);
  }

  private Map<String, Object> fileServerValidateCacheFile(Map<String, Object> a, String user) throws IOException {
    long size = ((Number) a.get("file_size")).longValue();
    long checksum = Long.parseLong(String.valueOf(a.get("checksum")));
    Instant window = Instant.now().minus(3, ChronoUnit.DAYS);
    for (CacheEntry e : cacheRegistry.values()) {
      if (e.owner().equals(user) && e.size() == size && e.checksum() == checksum && e.created().isAfter(window)) {
        return envelope(true, "FOUND:127.0.0.1:" + e.name(), null);
      }
    }
    return envelope(false, "NOTFOUND", null);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> taskSubmit(Map<String, Object> a, String user) throws IOException {
    return submit((Map<String, Object>) a.get("task_parameters"), user);
  }

  private Map<String, Object> credsSetUserSecrets(Map<String, Object> a, String user) throws IOException {
    Map<String, String> mine = jedi.secrets.computeIfAbsent(user, k -> new ConcurrentHashMap<>());
    String key = (String) a.get("key");
    String value = (String) a.get("value");
    if (key == null) {
      mine.clear();
    } else if (value == null) {
      mine.remove(key);
    } else {
      mine.put(key, value);
    }
    return envelope(true, "OK", null);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> credsGetUserSecrets(Map<String, Object> a, String user) throws IOException {
    // As the server's task buffer: the secrets as a JSON string, which the client json.loads.
    Map<String, String> mine = new java.util.TreeMap<>(jedi.secrets.getOrDefault(user, Map.of()));
    List<String> keys = (List<String>) a.get("keys");
    if (keys != null && !keys.isEmpty()) {
      mine.keySet().retainAll(keys);
    }
    return envelope(true, "", MAPPER.writeValueAsString(mine));
  }

  private Map<String, Object> taskGetStatus(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    return t == null ? envelope(false, "Task not found", null) : envelope(true, "", t.status);
  }

  private Map<String, Object> taskGetDetails(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    if (t == null) {
      return envelope(false, "Task not found or error retrieving the details", null);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("inDS", "");
    d.put("outDS", "");
    Map<String, Integer> stats = new LinkedHashMap<>();
    List<Long> ids = new ArrayList<>();
    for (Jedi.FileRecord f : t.files) {
      ids.addAll(f.jobs);
      Jedi.JobRecord last = f.jobs.isEmpty() ? null : jedi.jobs.get(f.jobs.get(f.jobs.size() - 1));
      stats.merge(last == null ? "tobedone" : last.status, 1, Integer::sum);
    }
    d.put("statistics", String.join(",", stats.entrySet().stream().map(e -> e.getKey() + "*" + e.getValue()).toList()));
    d.put("PandaID", ids);
    d.put("mergeStatus", null);
    d.put("mergePandaID", List.of());
    if (Boolean.TRUE.equals(a.get("include_status"))) {
      d.put("status", t.status);
    }
    if (Boolean.TRUE.equals(a.get("include_parameters"))) {
      d.put("cliParams", t.params.get("cliParams"));
    }
    return envelope(true, "", d);
  }

  private Map<String, Object> taskGetJobIds(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    List<Long> ids = new ArrayList<>();
    if (t != null) {
      t.files.forEach(f -> ids.addAll(f.jobs));
    }
    return envelope(true, "", ids);
  }

  private Map<String, Object> taskGetJobDescriptions(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    List<Object> out = new ArrayList<>();
    if (t != null) {
      boolean bad = Boolean.TRUE.equals(a.get("unsuccessful_only"));
      jedi.jobs.values().stream().filter(j -> j.task == t).limit(5500)
          .filter(j -> !bad || j.status.equals("failed") || j.status.equals("cancelled"))
          .forEach(j -> out.add(jobDict(j)));
    }
    return envelope(true, "", out);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> jobGetDescription(Map<String, Object> a, String user) throws IOException {
    List<Object> out = new ArrayList<>();
    List<Long> ids = (List<Long>) a.get("job_ids");
    for (Long id : ids.subList(0, Math.min(ids.size(), 5500))) {
      Jedi.JobRecord j = jedi.jobs.get(id);
      out.add(j == null ? null : jobDict(j));
    }
    return envelope(true, "", out);
  }

  private Map<String, Object> taskGetTaskParameters(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    return t == null ? envelope(false, "Task not found", null) : envelope(true, "", t.params);
  }

  private Map<String, Object> taskGetTasksDetailedInfoSince(Map<String, Object> a, String user) throws IOException {
    Instant since;
    try {
      since = parseTime((String) a.get("since"));
    } catch (IllegalArgumentException e) {
      return envelope(false, e.getMessage(), null);
    }
    Map<String, String> filters = a.get("filters") == null ? Map.of()
        : MAPPER.readValue((String) a.get("filters"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
    long min = a.get("min_task_id") instanceof Number n ? n.longValue() : 0;
    String label = (String) a.get("prod_source_label");
    int limit = a.get("n_tasks") instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
    List<Object> out = new ArrayList<>();
    for (Jedi.TaskRecord t : jedi.tasks.values()) {
      Map<String, Object> d = taskDict(t);
      boolean match = t.owner.equals(user) && t.visible() && t.id > min
          && (since == null || t.modified.isAfter(since))
          && (label == null || label.equals(String.valueOf(t.params.get("prodSourceLabel"))))
          && filters.entrySet().stream().allMatch(f -> f.getValue().equals(String.valueOf(d.get(f.getKey()))));
      if (match && out.size() < limit) {
        out.add(d);
      }
    }
    return envelope(true, "", out);
  }

  private Map<String, Object> taskFinish(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = owned(a, user);
    if (t == null) {
      return envelope(false, "not the task owner or no production role", 3);
    }
    if (Jedi.FINAL_TASK.contains(t.status)) {
      return envelope(false, "Command rejected: the finish command is not accepted if the task is in "
          + t.status + " status", 4);
    }
    jedi.finish(t, Boolean.TRUE.equals(a.get("soft")));
    return envelope(true, "command=finish is registered for task ID " + t.id + ". will be executed in a few minutes", 0);
  }

  private Map<String, Object> taskKill(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = owned(a, user);
    if (t == null) {
      return envelope(false, "not the task owner or no production role", null);
    }
    if (List.of("finished", "done", "prepared", "broken", "aborted", "toabort", "aborting", "failed")
        .contains(t.status)) {
      return envelope(false, "Command rejected: the kill command is not accepted if the task is in "
          + t.status + " status", 4);
    }
    t.status = "aborting";
    return envelope(true, "command=kill is registered for task ID " + t.id + ". will be executed in a few minutes", 0);
  }

  private Map<String, Object> taskRetry(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = owned(a, user);
    if (t == null) {
      return envelope(false, "not the task owner or no production role", null);
    }
    if (!List.of("finished", "failed").contains(t.status)) {
      return envelope(true, "Command rejected: the retry command is not accepted if the task is in "
          + t.status + " status", 4);
    }
    jedi.retry(t);
    return envelope(true, "command=retry is registered for task ID " + t.id, 0);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> jobKill(Map<String, Object> a, String user) throws IOException {
    List<Boolean> out = new ArrayList<>();
    for (Long id : (List<Long>) a.get("job_ids")) {
      Jedi.JobRecord j = jedi.jobs.get(id);
      out.add(j != null && j.task.owner.equals(user) && jedi.kill(j, 100, "killed by the owner"));
    }
    return envelope(true, "", out);
  }

  private Map<String, Object> jobGetMetadataForAnalysisJobs(Map<String, Object> a, String user) throws IOException {
    Jedi.TaskRecord t = visible(a);
    Map<String, Object> out = new LinkedHashMap<>();
    if (t != null) {
      jedi.jobs.values().stream().filter(j -> j.task == t && "finished".equals(j.status) && j.metadata != null)
          .forEach(j -> out.put(Long.toString(j.pandaId), j.metadata));
    }
    return out.isEmpty() ? envelope(true, "No metadata found", Map.of()) : envelope(true, "", out);
  }

  /** The server's {@code %Y-%m-%d %H:%M:%S} (UTC), or null for none. */
  private static Instant parseTime(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return java.time.LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("since must be '%Y-%m-%d %H:%M:%S', got '" + text + "'");
    }
  }

  /** A task as the task listings return it: JediTaskSpec's attributes, times as the server marks datetimes. */
  private static Map<String, Object> taskDict(Jedi.TaskRecord t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("jediTaskID", t.id);
    d.put("taskName", t.params.get("taskName"));
    d.put("status", t.status);
    d.put("superStatus", t.status);
    d.put("userName", t.owner);
    d.put("prodSourceLabel", t.params.get("prodSourceLabel"));
    d.put("vo", t.params.get("vo"));
    d.put("reqID", t.params.get("reqID"));
    d.put("processingType", t.params.get("processingType"));
    d.put("transUses", t.params.get("transUses"));
    d.put("transHome", t.params.get("transHome"));
    d.put("architecture", t.params.get("architecture"));
    d.put("site", t.params.get("site"));
    d.put("cloud", t.params.get("cloud"));
    d.put("creationDate", Map.of("__datetime__", iso(t.submitted)));
    d.put("modificationTime", Map.of("__datetime__", iso(t.modified)));
    d.put("errorDialog", t.errorDialog);
    long done = t.files.stream().filter(f -> "finished".equals(f.status)).count();
    d.put("nFiles", t.files.size());
    d.put("nFilesFinished", done);
    d.put("nFilesFailed", t.files.stream().filter(f -> "failed".equals(f.status)).count());
    return d;
  }

  private static String iso(Instant instant) {
    return java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC).toString();
  }

  private Jedi.TaskRecord visible(Map<String, Object> a) {
    Jedi.TaskRecord t = jedi.tasks.get(((Number) a.get("task_id")).longValue());
    return t == null || !t.visible() ? null : t;
  }

  private Jedi.TaskRecord owned(Map<String, Object> a, String user) {
    Jedi.TaskRecord t = visible(a);
    return t == null || !t.owner.equals(user) ? null : t;
  }

  private Map<String, Object> submit(Map<String, Object> params, String user) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    // Non-production callers: the server decides who they are and what kind of task this is.
    p.put("userName", user);
    p.put("taskType", "anal");
    p.put("taskPriority", 1000);
    if (Boolean.TRUE.equals(p.get("uniqueTaskName"))) {
      Jedi.TaskRecord old = jedi.activeNamed(user, p.get("vo"), p.get("prodSourceLabel"), p.get("taskName"));
      if (old != null) {
        return envelope(false, "jediTaskID=" + old.id + " is already active with the same task name " + p.get("taskName")
            + ". You cannot submit a duplicated task", 2);
      }
    }
    Jedi.TaskRecord t = jedi.submit(user, p);
    return envelope(true, "succeeded. new jediTaskID=" + t.id, t.id);
  }

  private static Map<String, Object> jobDict(Jedi.JobRecord j) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("PandaID", j.pandaId);
    d.put("jediTaskID", j.task.id);
    d.put("jobStatus", j.status);
    d.put("jobSubStatus", null);
    d.put("attemptNr", j.attemptNr);
    d.put("maxAttempt", j.file.maxAttempt);
    d.put("computingSite", "EMULATOR");
    d.put("prodSourceLabel", "user");
    d.put("transformation", j.task.params.getOrDefault("transPath",
        "https://pandaserver-doma.cern.ch/trf/user/runGen-00-00-02"));
    d.put("jobParameters", j.jobParameters);
    d.put("container_name", j.task.params.get("container_name"));
    d.put("coreCount", j.task.params.get("coreCount"));
    d.put("creationTime", datetime(j.created));
    d.put("modificationTime", datetime(j.modified));
    d.put("startTime", datetime(j.started));
    d.put("endTime", datetime(j.ended));
    d.put("transExitCode", j.transExitCode);
    d.put("pilotErrorCode", j.pilotErrorCode);
    d.put("pilotErrorDiag", j.pilotErrorDiag);
    d.put("exeErrorCode", j.exeErrorCode);
    d.put("exeErrorDiag", j.exeErrorDiag);
    d.put("taskBufferErrorCode", j.taskBufferErrorCode);
    d.put("taskBufferErrorDiag", j.taskBufferErrorDiag);
    d.put("pilotID", j.pilotId);
    List<Object> files = new ArrayList<>();
    files.add(Map.of("type", "pseudo_input", "lfn", j.file.lfn, "dataset", "pseudo_dataset", "attemptNr",
        j.attemptNr, "status", j.file.status));
    String task = String.valueOf(j.task.params.get("taskName"));
    files.add(Map.of("type", "log", "lfn", task + ".log." + j.task.id + "." + String.format("%06d", j.file.index + 1)
        + ".log.tgz", "dataset", task + ".log/"));
    d.put("Files", files);
    return d;
  }

  private static Object datetime(Instant t) {
    return t == null ? null
        : Map.of("__datetime__", LocalDateTime.ofInstant(t, ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS).toString());
  }

  // ---- cache ----

  private Map<String, Object> upload(Context ctx, String user) throws IOException {
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null) {
      return envelope(false, "Argument error: missing required argument 'file'", null);
    }
    // The size class comes from the raw file name: a path never matches "sources.".
    String raw = file.filename();
    long limit = raw.endsWith(".out") ? LOG_LIMIT : raw.startsWith("sources.") ? SANDBOX_LIMIT : NO_BUILD_LIMIT;
    long length = ctx.contentLength();
    if (length > limit) {
      return envelope(false, "ERROR: upload failure. Exceeded size limit " + length + " > " + limit, null);
    }
    String name = Path.of(raw).getFileName().toString();
    Path target = cacheDir.resolve(name);
    String[] fields = name.split("\\.");
    boolean overwrite = fields.length > 0 && "__ow__".equals(fields[fields.length - 1]);
    if (Files.exists(target) && !overwrite) {
      Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(Instant.now()));
      return envelope(false, "ERROR: cannot overwrite file", null);
    }
    Path tmp = cacheDir.resolve("." + name + ".part");
    try (InputStream in = file.content()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    if (!name.endsWith(".out")) {
      cacheRegistry.put(name, new CacheEntry(user, name, Files.size(target), gzipCrc(target), Instant.now()));
    }
    return envelope(true, "", null);
  }

  /** The cache's checksum: the gzip trailer's CRC32; 0 for a file too short to have one. */
  private static long gzipCrc(Path file) throws IOException {
    return Files.size(file) < 8 ? 0 : org.taskwire.internal.backend.panda.PandaApi.gzipChecksum(file);
  }
}
