package org.taskwire.dashboard;

import io.javalin.Javalin;
import io.javalin.http.ConflictResponse;
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
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.run.RunKill;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * The run dashboard: every run of a runs directory, followed from its journal (the durable
 * record, so a run that ended, crashed or runs on another machine with a shared home looks the
 * same), served to a browser with updates pushed as server-sent events. It binds the loopback
 * address unless told otherwise, and every request needs the token of {@link #address()} (as
 * Jupyter's): the first page sets it as a cookie; a changing request (stop a run, cancel a task's
 * calls) must carry it in the {@value #TOKEN_HEADER} header. The routes are listed in
 * {@code docs/dashboard.md}.
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

  static {
    // The web server's start and stop chatter (a dozen INFO lines) is no news to the user.
    org.taskwire.internal.config.QuietLibraries.quietUnlessAsked("io.javalin", "org.eclipse.jetty");
  }

  private final Path runs;
  private final String token;
  private final Javalin app;
  /** The runs a page follows, or that run: read line by line as they grow. */
  private final Map<Path, RunFeed> feeds = new ConcurrentHashMap<>();
  private final RunSummaries summaries = new RunSummaries();
  private final List<StudyFeed> studies;
  /** A page following a run or a study: the event it is sent, and the version it was sent last. */
  private record Watch(Feed feed, String event, long sent) {}

  private final Map<SseClient, Watch> watchers = new ConcurrentHashMap<>();
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
    });
    app.before(this::authorise);
    app.get("/", ctx -> page(ctx, "index.html"));
    app.get("/runs/{run}", ctx -> page(ctx, "run.html"));
    app.get("/studies/{study}", ctx -> page(ctx, "study.html"));
    app.get("/api/studies", ctx -> ctx.json(studies()));
    app.get("/api/studies/{study}", ctx -> {
      StudyFeed feed = study(ctx.pathParam("study"));
      feed.refresh();
      ctx.json(feed.page());
    });
    app.get("/api/runs", ctx -> ctx.json(summaries.list(runs, feeds, dir -> feeds.computeIfAbsent(dir, RunFeed::new))));
    app.get("/api/runs/{run}", ctx -> {
      RunFeed feed = feed(ctx.pathParam("run"));
      feed.refresh();
      ctx.json(feed.page());
    });
    app.get("/api/runs/{run}/calls/{call}/log", this::log);
    app.post("/api/runs/{run}/kill", this::kill);
    app.post("/api/runs/{run}/calls/{call}/cancel", ctx -> cancel(ctx, false, number(ctx, "call")));
    app.post("/api/runs/{run}/tasks/{task}/cancel", ctx -> cancel(ctx, true, number(ctx, "task")));
    app.sse("/api/runs/{run}/events", client -> follow(client, feed(client.ctx().pathParam("run")), "run"));
    app.sse("/api/studies/{study}/events", client -> follow(client, study(client.ctx().pathParam("study")), "study"));
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

  /** The routes served, as {@code METHOD path}: for the docs' table. */
  List<String> routes() {
    return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
        .filter(e -> e.getEndpoint().getMethod().isHttpMethod())
        .map(e -> e.getEndpoint().getMethod() + " " + e.getEndpoint().getPath()).toList();
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

  /**
   * A page, with the token in a meta element for its scripts' changing requests (the cookie is
   * HttpOnly): only a page this origin served, to a request that carried the token, holds it.
   */
  private void page(Context ctx, String name) throws java.io.IOException {
    try (var in = Dashboard.class.getResourceAsStream("/org/taskwire/dashboard/assets/" + name)) {
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("</head>", "  <meta name=\"taskwire-token\" content=\"" + token + "\">\n</head>");
      ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
          .contentType("text/html; charset=utf-8").result(html);
    }
  }

  /**
   * Stops a run ({@link RunKill}): its client, then what its calls still have running. Refused
   * (409) for the run of the client that serves this dashboard, which cannot kill itself.
   */
  private void kill(Context ctx) {
    RunDirectory dir = RunDirectory.find(runs, ctx.pathParam("run"));
    List<String> killed;
    try {
      killed = RunKill.kill(dir, Map.of());
    } catch (ConfigurationException e) {
      throw new ConflictResponse(e.getMessage());
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("runId", dir.runId());
    answer.put("killed", killed);
    ctx.json(answer);
  }

  /** Sends a page what it follows now, then each new version as {@link #push} finds it. */
  private void follow(SseClient client, Feed feed, String event) {
    client.keepAlive();
    client.onClose(() -> watchers.remove(client));
    feed.refresh();
    // The version before the page: a refresh in between only makes the next push send it again.
    long version = feed.version();
    watchers.put(client, new Watch(feed, event, version));
    client.sendEvent(event, feed.page());
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
      Map<String, Object> view = feed.page();
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

  /**
   * Asks the run's client to cancel a call, or every call of a task not yet ended (202): a request
   * it takes within a quarter of a second ({@link RunDirectory#requestCancel}). Refused (409) for
   * a run no client has open, or when nothing of it is left to cancel.
   */
  private void cancel(Context ctx, boolean task, long id) {
    RunFeed feed = feed(ctx.pathParam("run"));
    feed.refresh();
    String state = feed.view() == null ? "unreadable" : feed.view().state();
    if (!state.equals("running")) {
      throw new ConflictResponse("run " + feed.runId() + " is " + state + ": no client has it open to cancel its calls"
          + " (resume it, or leave its calls be)");
    }
    List<Long> calls = feed.unended(task, id);
    if (calls.isEmpty()) {
      throw new ConflictResponse((task ? "every call of task " : "call ") + id + " has ended: nothing to cancel");
    }
    calls.forEach(feed.directory()::requestCancel);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("runId", feed.runId());
    answer.put("requested", calls);
    ctx.status(202).json(answer);
  }

  private static long number(Context ctx, String what) {
    try {
      return Long.parseLong(ctx.pathParam(what));
    } catch (NumberFormatException e) {
      throw new NotFoundResponse("a " + what + " is named by its number, not '" + ctx.pathParam(what) + "'");
    }
  }

  /** A call's lines in the log its journal names: never a file the journal does not name for it. */
  private void log(Context ctx) throws Exception {
    RunFeed feed = feed(ctx.pathParam("run"));
    long callId = number(ctx, "call");
    feed.refresh();
    String lines = feed.log(callId).callLines();
    ctx.header("X-Content-Type-Options", "nosniff").contentType("text/plain; charset=utf-8").result(lines);
  }

  /** Reads again what each page follows, and sends each page whose run or study changed its new version. */
  private void push() {
    for (Map.Entry<SseClient, Watch> e : watchers.entrySet()) {
      SseClient client = e.getKey();
      Watch watch = e.getValue();
      if (client.terminated()) {
        watchers.remove(client);
        continue;
      }
      try {
        watch.feed().refresh();
        long version = watch.feed().version();
        if (version > watch.sent()) {
          client.sendEvent(watch.event(), watch.feed().page());
          watchers.put(client, new Watch(watch.feed(), watch.event(), version));
        }
      } catch (RuntimeException failure) {
        // A run directory removed under the dashboard (taskwire gc) is no reason to stop following the others.
        org.slf4j.LoggerFactory.getLogger(Dashboard.class).warn("dashboard: {}", failure.getMessage());
      }
    }
  }
}
