package org.taskwire.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.sse.SseClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * The run dashboard: every run of a runs directory, followed from its journal (the durable
 * record, so a run that ended, crashed or runs on another machine with a shared home looks the
 * same), served to a browser with updates pushed as server-sent events. It binds the loopback
 * address unless told otherwise, and every request needs the token of {@link #address()} (as
 * Jupyter's): the first page sets it as a cookie; a changing request must carry it in the
 * {@value #TOKEN_HEADER} header.
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.start(Path.of(System.getProperty("user.home"), ".taskwire", "runs"))) {
 *   System.out.println("dashboard: " + dashboard.address());
 *   ...
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
  /** The header a script sends the token in. */
  public static final String TOKEN_HEADER = "X-Taskwire-Token";
  static final String TOKEN_COOKIE = "taskwire-token";
  /** How often the followed journals are read for new lines. */
  static final long POLL_MILLIS = 200;
  /** The newest failures and tasks a run's page receives; the totals say how many there are. */
  static final int LIST_LIMIT = 200;

  private final Path runs;
  private final String token;
  private final Javalin app;
  private final Map<Path, RunFeed> feeds = new ConcurrentHashMap<>();
  private final List<StudyFeed> studies;
  /** A study's page, and the version of the study it was sent last. */
  private record StudyWatch(StudyFeed feed, long sent) {}

  private final Map<SseClient, StudyWatch> studyWatchers = new ConcurrentHashMap<>();

  /** The pages following each run, and the version of it each was sent last. */
  private final Map<String, Map<SseClient, Long>> watchers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("taskwire-dashboard"));

  private Dashboard(Path runs, String host, int port, List<Path> studies) {
    this.runs = runs.toAbsolutePath().normalize();
    this.studies = studies.stream().map(StudyFeed::new).toList();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.staticFiles.add(s -> {
        s.hostedPath = "/assets";
        s.directory = "/org/taskwire/dashboard/assets";
        s.location = Location.CLASSPATH;
      });
      config.staticFiles.enableWebjars();
    });
    app.before(this::authorise);
    app.get("/", ctx -> page(ctx, "index.html"));
    app.get("/runs/{run}", ctx -> page(ctx, "run.html"));
    app.get("/studies/{study}", ctx -> page(ctx, "study.html"));
    app.get("/api/studies", ctx -> ctx.json(studies()));
    app.get("/api/studies/{study}", ctx -> {
      StudyFeed feed = study(ctx.pathParam("study"));
      feed.refresh();
      ctx.json(feed.view());
    });
    app.get("/api/runs", ctx -> ctx.json(summaries()));
    app.get("/api/runs/{run}", ctx -> {
      RunFeed feed = feed(ctx.pathParam("run"));
      feed.refresh();
      ctx.json(snapshot(feed));
    });
    app.get("/api/runs/{run}/calls/{call}/log", this::log);
    app.sse("/api/runs/{run}/events", client -> {
      RunFeed feed = feed(client.ctx().pathParam("run"));
      client.keepAlive();
      Map<SseClient, Long> pages = watchers.computeIfAbsent(feed.runId(), k -> new ConcurrentHashMap<>());
      client.onClose(() -> pages.remove(client));
      feed.refresh();
      Map<String, Object> now = snapshot(feed);
      pages.put(client, (Long) now.get("version"));
      client.sendEvent("run", now);
    });
    app.sse("/api/studies/{study}/events", client -> {
      StudyFeed feed = study(client.ctx().pathParam("study"));
      client.keepAlive();
      client.onClose(() -> studyWatchers.remove(client));
      feed.refresh();
      Map<String, Object> now = feed.view();
      studyWatchers.put(client, new StudyWatch(feed, (Long) now.get("version")));
      client.sendEvent("study", now);
    });
    app.exception(ConfigurationException.class, (e, ctx) -> ctx.status(404).result(e.getMessage()));
    app.start(host, port);
    poller.scheduleWithFixedDelay(this::push, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Serves the runs of {@code runsDirectory} on the loopback address, on a free port. */
  public static Dashboard start(Path runsDirectory) {
    return start(runsDirectory, "127.0.0.1", 0);
  }

  /**
   * Serves the runs of {@code runsDirectory} on {@code host} (an address of this machine;
   * {@code 0.0.0.0} for all, which exposes the runs to anyone who has the token) and
   * {@code port} (0 for a free one).
   */
  public static Dashboard start(Path runsDirectory, String host, int port) {
    return start(runsDirectory, host, port, List.of());
  }

  /**
   * As {@link #start(Path, String, int)}, with studies to show: each a directory a
   * {@code Study} journals in, whose {@code trials.json} it keeps up to date.
   *
   * @throws IllegalArgumentException for a port out of range, or a study directory that does not exist
   */
  public static Dashboard start(Path runsDirectory, String host, int port, List<Path> studyDirectories) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the dashboard's port must be 0 (a free one) to 65535, got " + port);
    }
    for (Path d : studyDirectories) {
      if (!Files.isDirectory(d)) {
        throw new IllegalArgumentException("no study directory " + d + ": give the directory a Study was built with "
            + "(Study.builder(...).directory(dir))");
      }
    }
    return new Dashboard(runsDirectory, host, port, List.copyOf(studyDirectories));
  }

  /** The dashboard's address with its token, to open in a browser. */
  public URI address() {
    return URI.create("http://" + hostForUrl() + ":" + port() + "/?token=" + token);
  }

  /** The token every request needs. */
  public String token() {
    return token;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    app.stop();
  }

  private String hostForUrl() {
    String host = app.jettyServer().server().getURI().getHost();
    return host == null || host.equals("0.0.0.0") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
  }

  /** Every request carries the token: in the header, the cookie the first page set, or the address's query. */
  private void authorise(Context ctx) {
    String header = ctx.header(TOKEN_HEADER);
    String query = ctx.queryParam("token");
    String cookie = ctx.cookie(TOKEN_COOKIE);
    boolean changing = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
    // A changing request must say the token itself: a cookie alone would let another site's form act.
    if (changing ? matches(header) : matches(header) || matches(query) || matches(cookie)) {
      if (matches(query)) {
        ctx.res().addHeader("Set-Cookie", TOKEN_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
      }
      return;
    }
    throw new ForbiddenResponse(changing
        ? "a changing request needs the dashboard's token in the " + TOKEN_HEADER + " header"
        : "this dashboard needs its token: open the address taskwire ui printed, with its ?token=");
  }

  private boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private static void page(Context ctx, String name) throws java.io.IOException {
    try (var in = Dashboard.class.getResourceAsStream("/org/taskwire/dashboard/assets/" + name)) {
      ctx.contentType("text/html; charset=utf-8").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private RunFeed feed(String runId) {
    Path dir = RunDirectory.find(runs, runId).path();
    return feeds.computeIfAbsent(dir, RunFeed::new);
  }

  private StudyFeed study(String index) {
    try {
      return studies.get(Integer.parseInt(index));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new NotFoundResponse("no study " + index + "; " + (studies.isEmpty()
          ? "this dashboard shows none (taskwire ui --study DIR adds one)"
          : "this dashboard shows " + studies.size() + ", numbered 0 to " + (studies.size() - 1)));
    }
  }

  /** One line per study: its directory, optimiser, objectives and how many trials ended. */
  private List<Map<String, Object>> studies() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < studies.size(); i++) {
      StudyFeed feed = studies.get(i);
      feed.refresh();
      Map<String, Object> view = feed.view();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("index", i);
      row.put("directory", feed.directory().toString());
      row.put("error", view.get("error"));
      if (view.get("study") instanceof com.fasterxml.jackson.databind.JsonNode study) {
        row.put("optimizer", study.path("optimizer").asText());
        List<String> objectives = new ArrayList<>();
        study.path("objectives").forEach(o -> objectives.add(o.path("name").asText()));
        row.put("objectives", objectives);
        int ended = 0;
        for (var t : study.path("trials")) {
          ended += "running".equals(t.path("status").asText()) ? 0 : 1;
        }
        row.put("trials", study.path("trials").size());
        row.put("ended", ended);
      }
      out.add(row);
    }
    return out;
  }

  /** One line per run, newest first, as {@code taskwire runs --json} prints them, with any reading error. */
  private List<Map<String, Object>> summaries() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path dir : RunDirectory.list(runs)) {
      RunFeed feed = feeds.computeIfAbsent(dir, RunFeed::new);
      feed.refresh();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("runId", dir.getFileName().toString());
      RunView view = feed.view();
      if (view != null) {
        row.put("summary", view.summary());
      }
      row.put("error", feed.error());
      out.add(row);
    }
    return out;
  }

  /** A run for its page: the view, with only the newest failures and tasks. */
  static Map<String, Object> snapshot(RunFeed feed) {
    RunView v = feed.view();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runId", feed.runId());
    out.put("version", feed.version());
    out.put("error", feed.error());
    // PanDA task ids link to the monitor where the PanDA client's environment names one.
    out.put("pandamon", System.getenv("PANDAMON_URL"));
    if (v != null) {
      out.put("summary", v.summary());
      out.put("steps", v.steps());
      out.put("edges", v.edges());
      out.put("failuresTotal", v.failures().size());
      out.put("failures", newest(v.failures()));
      out.put("tasksTotal", v.tasks().size());
      out.put("tasks", newest(v.tasks()));
      out.put("files", v.files());
      out.put("datasets", v.datasets());
    }
    return out;
  }

  private static <T> List<T> newest(List<T> all) {
    return all.subList(Math.max(0, all.size() - LIST_LIMIT), all.size());
  }

  /** A call's lines in the log its journal names: never a file the journal does not name for it. */
  private void log(Context ctx) throws Exception {
    RunFeed feed = feed(ctx.pathParam("run"));
    long callId;
    try {
      callId = Long.parseLong(ctx.pathParam("call"));
    } catch (NumberFormatException e) {
      throw new NotFoundResponse("a call is named by its number, not '" + ctx.pathParam("call") + "'");
    }
    feed.refresh();
    RecordedRun.Call call = feed.call(callId);
    if (call == null) {
      throw new NotFoundResponse("run " + feed.runId() + " has no call " + callId);
    }
    String location = call.logLocation();
    if (location == null) {
      throw new NotFoundResponse("the journal names no log for call " + callId);
    }
    String whole;
    if (location.startsWith("http://") || location.startsWith("https://")) {
      try (okhttp3.Response r = org.taskwire.internal.net.Http.shared()
          .newCall(new okhttp3.Request.Builder().url(location).build()).execute()) {
        if (!r.isSuccessful()) {
          throw new NotFoundResponse("cannot fetch the log " + location + ": HTTP " + r.code());
        }
        whole = r.body().string();
      }
    } else {
      Path file = Path.of(location);
      if (!Files.isRegularFile(file)) {
        throw new NotFoundResponse("the log " + location + " is gone (a local run's logs are removed after a run "
            + "without failures, unless taskwire.local.log-dir is set)");
      }
      whole = Files.readString(file);
    }
    String lines = WorkerLogs.linesOf(whole, callId, call.endingAttempt()).orElse(whole);
    ctx.header("X-Content-Type-Options", "nosniff").contentType("text/plain; charset=utf-8").result(lines);
  }

  /** Reads the watched runs' journals and studies' trials, and sends each page whose run or study changed its new view. */
  private void push() {
    for (Map.Entry<SseClient, StudyWatch> e : studyWatchers.entrySet()) {
      SseClient client = e.getKey();
      StudyFeed feed = e.getValue().feed();
      if (client.terminated()) {
        studyWatchers.remove(client);
        continue;
      }
      feed.refresh();
      Map<String, Object> view = feed.view();
      long version = (Long) view.get("version");
      if (version > e.getValue().sent()) {
        client.sendEvent("study", view);
        studyWatchers.put(client, new StudyWatch(feed, version));
      }
    }
    for (Map.Entry<String, Map<SseClient, Long>> e : watchers.entrySet()) {
      Map<SseClient, Long> pages = e.getValue();
      if (pages.isEmpty()) {
        continue;
      }
      try {
        RunFeed feed = feed(e.getKey());
        feed.refresh();
        long version = feed.version();
        Map<String, Object> snapshot = null;
        for (Map.Entry<SseClient, Long> page : pages.entrySet()) {
          SseClient client = page.getKey();
          if (client.terminated()) {
            pages.remove(client);
          } else if (page.getValue() < version) {
            snapshot = snapshot != null ? snapshot : snapshot(feed);
            client.sendEvent("run", snapshot);
            pages.put(client, version);
          }
        }
      } catch (RuntimeException failure) {
        // A run directory removed under the dashboard (taskwire gc) is no reason to stop following the others.
        org.slf4j.LoggerFactory.getLogger(Dashboard.class).warn("dashboard: run {}: {}", e.getKey(),
            failure.getMessage());
      }
    }
  }
}
