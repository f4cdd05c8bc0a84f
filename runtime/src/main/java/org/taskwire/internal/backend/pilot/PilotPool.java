package org.taskwire.internal.backend.pilot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.PendingWatch;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.serve.Dispatcher;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.backend.serve.WorkerFrames;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * A backend of pilot jobs. Calls wait in the run's {@link Dispatcher}, one queue per shape of
 * resources; each connected pilot has a feeder thread that takes the next calls of its shape whose
 * walltime fits in what is left of the pilot's. Results come back on the pilot's socket, signed
 * with the run's key. A scaler asks the batch system for pilots
 * while calls outnumber them, up to the maximum, and lets idle ones go down to the minimum.
 *
 * <p>A pilot that dies, is cancelled or falls silent (no heartbeat for three intervals) loses the
 * call it was running, which the run retries if attempts remain; the other calls it held go back
 * to the queue. A pilot warned of its walltime's end drains: it finishes its call and is replaced
 * while calls remain. When the batch system refuses pilots, or holds them for a reason no wait
 * cures, the calls that need them fail with its words rather than wait for ever.
 */
public final class PilotPool implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(PilotPool.class);
  /** Room left at a pilot's end for its JVM and the last result's delivery. */
  private static final Duration END_MARGIN = Duration.ofSeconds(30);
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  /**
   * How the pool behaves.
   *
   * @param min pilots kept per shape while the run lasts, once that shape was asked for
   * @param max pilots at most per shape
   * @param walltime the walltime pilots ask for, raised to fit the longest call waiting for them
   * @param idle how long a pilot above the minimum may have nothing to do before it is let go
   * @param heartbeat the pilots' heartbeat interval; three missed and a pilot is lost
   * @param pollInterval how often the batch system is asked about the pilot jobs
   * @param pendingTimeout how long pilots may pend for a reason no wait cures
   * @param pendingSetting the key of {@code pendingTimeout}, named when it runs out
   * @param host the address pilots connect to (the pool listens on it)
   */
  public record Settings(int min, int max, Duration walltime, Duration idle, Duration heartbeat, Duration pollInterval,
      Duration pendingTimeout, String pendingSetting, String host) {}

  private final BackendContext context;
  private final Settings settings;
  private final PilotLauncher launcher;
  private final Dispatcher dispatcher;
  private final ServerSocket server;
  private final String address;
  private final Map<String, Pilot> pilots = new ConcurrentHashMap<>();
  /** The shape key of each set of job options seen so far. */
  private final Map<org.taskwire.spi.JobOptions, String> shapeKeys = new ConcurrentHashMap<>();
  /** Every shape asked for so far, by key. */
  private final Map<String, PilotShape> shapes = new ConcurrentHashMap<>();
  /** Pilot jobs submitted and not listed since, with their shape and when: the batch system may list them late. */
  private final Map<String, Submitted> submitted = new ConcurrentHashMap<>();

  private record Submitted(String shapeKey, long at) {}
  private final PendingWatch pending;
  /** The pilot jobs that connected once; one that ended without it may say why in its log. */
  private final Set<String> connectedEver = ConcurrentHashMap.newKeySet();
  /** The pilot jobs that ended without connecting whose logs were read. */
  private final Set<String> startsJudged = ConcurrentHashMap.newKeySet();
  private final Set<String> excludedNodes = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scaler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("taskwire-pilot-scaler"));
  private final SecureRandom random = new SecureRandom();
  /** The last listing of the pilot jobs, and when it was made; the scaler's own. */
  private Map<String, PilotLauncher.PilotJob> jobs;
  private long lookedAt = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
  private volatile boolean closed;

  /** A connected pilot and its feeder. */
  private final class Pilot {
    final PilotConnection connection;
    final String shapeKey;
    final Dispatcher.Seat seat;
    volatile long idleSince = System.nanoTime();

    Pilot(PilotConnection connection, String shapeKey) {
      this.connection = connection;
      this.shapeKey = shapeKey;
      this.seat = new Dispatcher.Seat(shapeKey, this::fits);
    }

    String job() {
      return connection.hello().job();
    }

    /** Whether a call of this walltime ends before the pilot's job does. */
    boolean fits(Dispatcher.Queued q) {
      long deadline = connection.hello().deadlineMillis();
      return deadline <= 0 || System.currentTimeMillis() + q.task().options().walltime().toMillis()
          + END_MARGIN.toMillis() <= deadline;
    }
  }

  /**
   * Starts the pool: the pilots' listener, then the launcher is told where pilots find the client.
   *
   * @param batch the most calls a pilot is sent at once while they are short
   */
  public PilotPool(BackendContext context, Settings settings, int batch, PilotLauncher launcher) {
    this.context = context;
    this.settings = settings;
    this.pending = new PendingWatch(settings.pendingTimeout(), settings.pendingSetting());
    this.dispatcher = new Dispatcher(context.sink(), batch, task -> keyOf(task.options()));
    try {
      this.server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), 0));
    } catch (IOException e) {
      throw new ConfigurationException("cannot listen for pilots on " + settings.host() + ": " + e.getMessage(), e);
    }
    this.address = settings.host() + ":" + server.getLocalPort();
    this.launcher = launcher;
    try {
      openLauncher();
    } catch (IOException e) {
      close();
      throw new ConfigurationException("cannot tell pilots where the client is: " + e.getMessage(), e);
    }
    DaemonThreads.start("taskwire-pilot-listener", this::accept);
    scaler.scheduleWithFixedDelay(this::scaleQuietly, settings.pollInterval().toMillis(),
        settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("{} pilots: up to {} per shape, connecting to {}", this.launcher.name(), settings.max(), address);
  }

  private void openLauncher() throws IOException {
    Map<String, String> env = new HashMap<>(WireFormat.workerEnvironment(context));
    env.put("TASKWIRE_PILOT_ADDRESS", address);
    launcher.open(env);
  }

  @Override
  public void submit(Task task) {
    PilotShape shape = PilotShape.of(task.options());
    shapes.putIfAbsent(shape.key(), shape);
    dispatcher.submit(task);
    scaler.execute(this::scaleQuietly);
  }

  @Override
  public void cancel(long callId) {
    dispatcher.cancel(callId);
  }

  // ---- pilots connecting

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("the pilots' listener stopped: {}", e.getMessage());
        }
        return;
      }
      DaemonThreads.start("taskwire-pilot-hello", () -> greet(socket));
    }
  }

  /** Challenges a new connection to prove it holds the run's key, then gives it a feeder. */
  private void greet(Socket socket) {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
      WorkerFrames frames = new WorkerFrames(socket.getInputStream(), socket.getOutputStream(), context.identity().key());
      byte[] bytes = new byte[24];
      random.nextBytes(bytes);
      String nonce = Base64.getEncoder().encodeToString(bytes);
      frames.sendChallenge(new WireFormat.Challenge(context.runId(), nonce));
      WireFormat.PilotHello hello = frames.awaitHello();
      boolean proven;
      try {
        proven = context.runId().equals(hello.runId()) && context.identity().key()
            .verify(nonce.getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(hello.proof()));
      } catch (IllegalArgumentException e) {
        proven = false;
      }
      if (!proven) {
        LOG.warn("refused a pilot connection from {}: it does not hold run {}'s key", socket.getRemoteSocketAddress(),
            context.runId());
        socket.close();
        return;
      }
      frames.awaitReady();
      // Three heartbeats missed and the pilot is taken for lost.
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.heartbeat().toMillis() * 3 + 5_000));
      String shapeKey = hello.shape();
      Pilot pilot = new Pilot(new PilotConnection(socket, frames, hello, launcher), shapeKey);
      submitted.remove(hello.job());
      if (closed) {
        pilot.connection.retire();
        return;
      }
      pilots.put(hello.job(), pilot);
      connectedEver.add(hello.job());
      LOG.debug("pilot {} on {} connected ({} pilots)", hello.job(), hello.node(), pilots.size());
      DaemonThreads.start("taskwire-pilot-" + hello.job(), () -> feed(pilot));
    } catch (IOException e) {
      LOG.debug("a pilot connection from {} failed before it was ready: {}", socket.getRemoteSocketAddress(),
          e.getMessage());
      try {
        socket.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  // ---- feeding calls to a pilot

  private void feed(Pilot pilot) {
    dispatcher.seat(pilot.seat);
    try {
      while (!closed) {
        if (pilot.connection.frames().draining()) {
          LOG.info("pilot {} was warned that its walltime ends soon; it takes no more calls", pilot.job());
          break;
        }
        List<Dispatcher.Queued> window;
        try {
          window = dispatcher.take(pilot.seat, 1000);
        } catch (InterruptedException e) {
          break;
        }
        if (window.isEmpty()) {
          if (shouldLetGo(pilot)) {
            break;
          }
          continue;
        }
        pilot.idleSince = Long.MAX_VALUE;
        boolean alive = dispatcher.feed(pilot.seat, pilot.connection, window);
        pilot.idleSince = System.nanoTime();
        if (!alive) {
          // Dead or silent: its job must not linger, holding a node and perhaps a call.
          launcher.cancel(List.of(pilot.job()));
          return;
        }
      }
    } finally {
      dispatcher.unseat(pilot.seat);
      pilots.remove(pilot.job());
      pilot.connection.retire();
      if (!closed) {
        scaler.execute(this::scaleQuietly);
      }
    }
  }

  /** The shape calls of these options need; worked out once per set of options (a run has few). */
  private String keyOf(org.taskwire.spi.JobOptions options) {
    return shapeKeys.computeIfAbsent(options, o -> PilotShape.of(o).key());
  }

  /** Whether an idle pilot should go: above the minimum for long enough, or with no time left for what waits. */
  private boolean shouldLetGo(Pilot pilot) {
    long sameShape = pilots.values().stream().filter(p -> p.shapeKey.equals(pilot.shapeKey)).count();
    if (sameShape > settings.min() && System.nanoTime() - pilot.idleSince > settings.idle().toNanos()) {
      LOG.debug("pilot {} idle for {}; letting it go", pilot.job(), settings.idle());
      return true;
    }
    List<Dispatcher.Queued> waiting = dispatcher.queued(pilot.shapeKey);
    if (!waiting.isEmpty() && waiting.stream().noneMatch(pilot::fits)) {
      LOG.info("pilot {} has too little walltime left for the calls waiting; a new pilot takes them", pilot.job());
      return true;
    }
    return false;
  }

  // ---- scaling

  private void scaleQuietly() {
    if (closed) {
      return;
    }
    try {
      scale();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: log and keep scaling.
      LOG.error("sizing the pilots failed", e);
    }
  }

  private synchronized void scale() {
    // One listing serves the bursts of submits a multi-step run makes.
    if (System.nanoTime() - lookedAt > TimeUnit.SECONDS.toNanos(1)) {
      jobs = launcher.look();
      lookedAt = System.nanoTime();
    }
    Map<String, Integer> coming = new HashMap<>();
    if (jobs != null) {
      for (PilotLauncher.PilotJob job : jobs.values()) {
        if (job.phase() == PilotLauncher.Phase.NODE_LOST && job.node() != null && !job.node().isEmpty()
            && excludedNodes.add(job.node())) {
          LOG.warn("pilot {} ended with {} on {}: no more pilots go to that node", job.id(), job.state(), job.node());
        }
        if (job.phase() == PilotLauncher.Phase.ENDED && !connectedEver.contains(job.id())
            && startsJudged.add(job.id())) {
          failShapeIfHopeless(job);
        }
        if (job.phase() != PilotLauncher.Phase.WAITING && job.phase() != PilotLauncher.Phase.RUNNING) {
          continue;
        }
        submitted.remove(job.id());
        if (!pilots.containsKey(job.id())) {
          coming.merge(job.shapeKey(), 1, Integer::sum);
        }
        if (job.hopeless()) {
          String why = pending.heldNoWaitCures(job.id(),
              launcher.name() + " pilot job " + job.id() + " " + job.state() + " (" + job.reason() + ")");
          if (why != null) {
            launcher.cancel(List.of(job.id()));
            coming.merge(job.shapeKey(), -1, Integer::sum);
            failShape(job.shapeKey(), why);
          }
        } else {
          pending.forget(job.id());
        }
      }
    }
    // Submitted a moment ago and not listed yet: count them, for a while, as on their way.
    long cutoff = System.nanoTime() - Math.max(settings.pollInterval().toNanos() * 3, TimeUnit.SECONDS.toNanos(30));
    submitted.values().removeIf(s -> s.at() - cutoff < 0);
    for (Submitted s : submitted.values()) {
      coming.merge(s.shapeKey(), 1, Integer::sum);
    }
    for (PilotShape shape : shapes.values()) {
      String key = shape.key();
      int needed = dispatcher.demand(key);
      long connected = pilots.values().stream().filter(p -> p.shapeKey.equals(key)).count();
      int want = Math.min(settings.max(), Math.max(settings.min(), needed));
      int missing = (int) (want - connected - coming.getOrDefault(key, 0));
      if (missing <= 0 || needed == 0 && connected + coming.getOrDefault(key, 0) >= settings.min()) {
        continue;
      }
      try {
        for (String job : launcher.submit(shape, missing, walltimeFor(key), Set.copyOf(excludedNodes))) {
          submitted.put(job, new Submitted(key, System.nanoTime()));
        }
      } catch (IOException e) {
        if (connected == 0) {
          failShape(key, launcher.name() + " refused pilot jobs for the calls: " + e.getMessage());
        } else {
          LOG.warn("{} refused more pilots: {}", launcher.name(), e.getMessage());
        }
      }
    }
  }

  /** A pilot's walltime: the configured one, or more if a call waiting for it needs more. */
  private Duration walltimeFor(String key) {
    Duration longest = Duration.ZERO;
    for (Dispatcher.Queued q : dispatcher.queued(key)) {
      if (q.task().options().walltime().compareTo(longest) > 0) {
        longest = q.task().options().walltime();
      }
    }
    Duration needed = longest.plus(END_MARGIN).plus(END_MARGIN);
    return needed.compareTo(settings.walltime()) > 0 ? needed : settings.walltime();
  }

  /**
   * A pilot that ended without connecting, whose wrapper said it cannot start for a reason no
   * other start mends (a class path or sandbox it cannot use): every pilot would end so, so the
   * shape's calls fail now, in the wrapper's own words, instead of waiting for pilots forever.
   */
  private void failShapeIfHopeless(PilotLauncher.PilotJob job) {
    Path log = launcher.logOf(job.id());
    WorkerLogs.hopelessStart(WorkerLogs.tail(log)).ifPresent(line -> failShape(job.shapeKey(),
        launcher.name() + " pilot job " + job.id() + " ended before it could take a call: " + line + " [log: " + log
            + "]"));
  }

  /** Fails the queued calls of a shape, when no pilot of it can come. */
  private void failShape(String key, String why) {
    dispatcher.fail(key, why);
  }

  // ---- the end

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scaler.shutdownNow();
    try {
      server.close();
    } catch (IOException e) {
      // closed already
    }
    dispatcher.close();
    for (Pilot pilot : new HashSet<>(pilots.values())) {
      pilot.connection.retire();
    }
    pilots.clear();
    if (launcher != null) {
      launcher.close();
    }
  }

  @Override
  public String toString() {
    return "pilot backend (" + (launcher == null ? "?" : launcher.name()) + ", " + pilots.size()
        + " pilots connected to " + address + ")";
  }
}
