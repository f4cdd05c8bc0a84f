package org.taskwire.testing.panda;

import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulated server's v1 API: the route table with each route's HTTP method, security and
 * argument rules, the server's request checks (bearer-token users, the VO in {@code Origin}, the
 * envelope, 403 for what is not routed) and one handler per route over {@link Jedi}'s state and the
 * file cache.
 */
final class ServerApi {

  private final PandaEmulator.Settings settings;
  private final Jedi jedi;
  private final FileCache cache;
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final Map<String, Handler> handlers = handlers();

  ServerApi(PandaEmulator.Settings settings, Jedi jedi, FileCache cache) {
    this.settings = settings;
    this.jedi = jedi;
    this.cache = cache;
  }

  /** How often a v1 method was called, e.g. {@code file_server/upload_cache_file}. */
  int calls(String moduleAndMethod) {
    return calls.getOrDefault(moduleAndMethod, 0);
  }

  /** Answers one {@code /api/<version>/<module>/<method>} request as the server does. */
  void serve(Context ctx, String httpMethod) throws Exception {
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
      String token = auth.substring("Bearer ".length()).trim();
      // An open emulator takes any ID token, and its user from the token as the server does.
      user = settings.tokens().isEmpty() ? userOfIdToken(token) : settings.tokens().get(token);
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
      answer = cache.upload(ctx, user);
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

  /**
   * The user an ID token names: its {@code name} claim with each word capitalised (as the server
   * cleans it, and as pbook derives its user name from the same token), else {@code sub}; null
   * if it is no JWT.
   */
  static String userOfIdToken(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode claims = PandaEmulator.MAPPER.readTree(
          java.util.Base64.getUrlDecoder().decode(parts[1]));
      String name = claims.path("name").asText("");
      if (!name.isBlank()) {
        StringBuilder clean = new StringBuilder();
        for (String word : name.trim().split("\\s+")) {
          clean.append(clean.length() == 0 ? "" : " ").append(Character.toUpperCase(word.charAt(0)))
              .append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return clean.toString();
      }
      String sub = claims.path("sub").asText("");
      return sub.isBlank() ? null : sub;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void forbidden(Context ctx, String message) {
    ctx.status(403).contentType("text/plain").result(message);
  }

  private static void respond(Context ctx, boolean json, Map<String, Object> answer) throws IOException {
    // The server answers text/plain even for JSON, and Python's str(dict) when JSON was not asked for.
    ctx.contentType("text/plain");
    ctx.result(json ? PandaEmulator.MAPPER.writeValueAsString(answer) : PythonRepr.of(answer));
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
    return cache.validate(((Number) a.get("file_size")).longValue(), Long.parseLong(String.valueOf(a.get("checksum"))),
        user);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> taskSubmit(Map<String, Object> a, String user) throws IOException {
    return submit((Map<String, Object>) a.get("task_parameters"), user,
        a.get("parent_tid") instanceof Number n ? n.longValue() : null);
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
    return envelope(true, "", PandaEmulator.MAPPER.writeValueAsString(mine));
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
          .forEach(j -> out.add(ServerViews.job(j)));
    }
    return envelope(true, "", out);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> jobGetDescription(Map<String, Object> a, String user) throws IOException {
    List<Object> out = new ArrayList<>();
    List<Long> ids = (List<Long>) a.get("job_ids");
    for (Long id : ids.subList(0, Math.min(ids.size(), 5500))) {
      Jedi.JobRecord j = jedi.jobs.get(id);
      out.add(j == null ? null : ServerViews.job(j));
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
      since = ServerViews.parseTime((String) a.get("since"));
    } catch (IllegalArgumentException e) {
      return envelope(false, e.getMessage(), null);
    }
    Map<String, String> filters = a.get("filters") == null ? Map.of()
        : PandaEmulator.MAPPER.readValue((String) a.get("filters"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
    long min = a.get("min_task_id") instanceof Number n ? n.longValue() : 0;
    String label = (String) a.get("prod_source_label");
    int limit = a.get("n_tasks") instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
    List<Object> out = new ArrayList<>();
    for (Jedi.TaskRecord t : jedi.tasks.values()) {
      Map<String, Object> d = ServerViews.task(t);
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
      // Client.killTask's code 3: permission denied.
      return envelope(false, "not the task owner or no production role", 3);
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

  private Jedi.TaskRecord visible(Map<String, Object> a) {
    Jedi.TaskRecord t = jedi.tasks.get(((Number) a.get("task_id")).longValue());
    return t == null || !t.visible() ? null : t;
  }

  private Jedi.TaskRecord owned(Map<String, Object> a, String user) {
    Jedi.TaskRecord t = visible(a);
    return t == null || !t.owner.equals(user) ? null : t;
  }

  private Map<String, Object> submit(Map<String, Object> params, String user, Long parentTid) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    // Non-production callers: the server decides who they are and what kind of task this is.
    p.put("userName", user);
    p.put("taskType", "anal");
    p.put("taskPriority", 1000);
    if (Boolean.TRUE.equals(p.get("uniqueTaskName"))) {
      Jedi.TaskRecord old = jedi.activeNamed(user, p.get("vo"), p.get("prodSourceLabel"), p.get("taskName"));
      if (old != null) {
        // The server's words (task_event_module.insertTaskParamsPanda, code 2: still active).
        return envelope(false, "jediTaskID=" + old.id + " is in the " + old.status + " state for outDS="
            + p.get("taskName") + ". You can re-submit the task with new parameters for the same or another input "
            + "once it goes into finished/failed/done. Or you can retry the task once it goes into "
            + "running/finished/failed/done. ", 2);
      }
    }
    Jedi.TaskRecord t = jedi.submit(user, p, parentTid);
    return envelope(true, "succeeded. new jediTaskID=" + t.id, t.id);
  }

}
