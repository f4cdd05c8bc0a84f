package org.taskwire.testing.panda;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final Settings settings;
  private final Javalin app;
  private final Jedi jedi;
  private final FileCache cache;
  private final List<Pilot> pilots = new ArrayList<>();
  private final List<Thread> pilotThreads = new ArrayList<>();
  private final ScheduledExecutorService ticker;
  private final String baseUrl;
  private final ServerApi api;

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
   * @param rucio where datasets live, or null
   */
  public record Settings(int port, Path directory, Map<String, String> tokens, String vo, int pilots,
      Duration refinerDelay, Duration tick, RucioSettings rucio) {

    /** Settings without a Rucio: tasks with input or output datasets go broken, saying so. */
    public Settings(int port, Path directory, Map<String, String> tokens, String vo, int pilots, Duration refinerDelay,
        Duration tick) {
      this(port, directory, tokens, vo, pilots, refinerDelay, tick, null);
    }

    /** An open emulator on a free port with 2 pilots and a 300 ms refiner delay. */
    public static Settings defaults(Path directory) {
      return new Settings(0, directory, Map.of(), "wlcg", 2, Duration.ofMillis(300), Duration.ofMillis(100));
    }

    public Settings withTokens(Map<String, String> tokens) {
      return new Settings(port, directory, Map.copyOf(tokens), vo, pilots, refinerDelay, tick, rucio);
    }

    public Settings withPort(int port) {
      return new Settings(port, directory, tokens, vo, pilots, refinerDelay, tick, rucio);
    }

    public Settings withPilots(int pilots) {
      return new Settings(port, directory, tokens, vo, pilots, refinerDelay, tick, rucio);
    }

    /** The Rucio that input and output datasets live in, and the storage element pilots stage out to. */
    public Settings withRucio(RucioSettings rucio) {
      return new Settings(port, directory, tokens, vo, pilots, refinerDelay, tick, rucio);
    }
  }

  /**
   * The Rucio the server and JEDI use: its URL, the server's own account and password there, and the
   * RSE its pilots stage outputs out to (through the RSE's WebDAV door).
   */
  public record RucioSettings(URI url, String account, String password, String rse) {}

  private PandaEmulator(Settings settings) throws IOException {
    this.settings = settings;
    this.cache = new FileCache(Files.createDirectories(settings.directory().resolve("cache")));
    Path jobsDir = Files.createDirectories(settings.directory().resolve("jobs"));
    this.jedi = new Jedi(settings.refinerDelay(), settings.rucio() == null ? null : new Ddm(settings.rucio()));
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jetty.multipartConfig.maxFileSize(FileCache.SANDBOX_LIMIT + (1 << 20), io.javalin.config.SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(FileCache.SANDBOX_LIMIT + (2 << 20), io.javalin.config.SizeUnit.BYTES);
      config.jetty.multipartConfig.maxInMemoryFileSize(1, io.javalin.config.SizeUnit.MB);
      config.http.maxRequestSize = FileCache.SANDBOX_LIMIT + (2 << 20);
    });
    app.get("/cache/{name}", cache::serve);
    app.get("/logs/{id}/{file}", this::serveLog);
    this.api = new ServerApi(settings, jedi, cache);
    app.get("/api/{version}/{module}/{method}", ctx -> api.serve(ctx, "GET"));
    app.post("/api/{version}/{module}/{method}", ctx -> api.serve(ctx, "POST"));
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
      pilotThreads.add(t);
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
    return api.calls(moduleAndMethod);
  }

  /** A task's status as JEDI has it, or null. */
  public String taskStatus(long taskId) {
    synchronized (jedi) {
      Jedi.TaskRecord t = jedi.tasks.get(taskId);
      return t == null ? null : t.status;
    }
  }

  /** Why JEDI holds or broke a task (its {@code errorDialog}), or null for an unknown task. */
  public String taskErrorDialog(long taskId) {
    synchronized (jedi) {
      Jedi.TaskRecord t = jedi.tasks.get(taskId);
      return t == null ? null : t.errorDialog;
    }
  }

  /** A task's jobs, oldest first; for tests in this package. */
  List<Jedi.JobRecord> jobs(long taskId) {
    synchronized (jedi) {
      return jedi.jobs.values().stream().filter(j -> j.task.id == taskId).toList();
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

  /**
   * Stops the pilots, kills every job still running (its whole process tree), waits for the pilots
   * to have left their jobs' directories as they leave them, and stops the server. Idempotent.
   */
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
    for (Thread t : pilotThreads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    app.stop();
  }

  // ---- HTTP ----

  private void serveLog(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    if (!file.equals("payload.stdout") && !file.equals("payload.stderr")) {
      ctx.status(404).result("not found");
      return;
    }
    Path path = Pilot.workDirectory(settings.directory().resolve("jobs"), ctx.pathParam("id")).resolve(file);
    if (!Files.isRegularFile(path)) {
      ctx.status(404).result("not found");
      return;
    }
    ctx.contentType("text/plain").result(Files.readString(path));
  }
}
