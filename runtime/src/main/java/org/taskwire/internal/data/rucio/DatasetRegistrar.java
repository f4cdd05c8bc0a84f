package org.taskwire.internal.data.rucio;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.DataFile;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.data.DataStore;
import org.taskwire.internal.data.RucioNames;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Registers a run's files in Rucio: each work's files go to its dataset
 * ({@code taskwire.rucio.dataset}), created with a rule on the run's storage element, as replicas
 * there under the names workers kept them by ({@link RucioNames#lfn}). A call's result is handed on
 * only once its files are registered, so the next step never sees a file Rucio does not list.
 * Registrations queue to one thread, which sends all that waited in one request; a failure fails
 * the calls it concerns with Rucio's answer, and the thread goes on.
 */
public final class DatasetRegistrar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetRegistrar.class);
  private static final int BATCH = 2000;

  /** What a run registers with, from {@code taskwire.rucio.*}. */
  public record Settings(URI url, String account, RucioClient.Auth auth, java.nio.file.Path trusted, String rse,
      String scope, String datasetTemplate) {}

  private record Pending(String work, String dataset, List<DataFile> files, Runnable then, Consumer<String> failed) {}

  private final String runId;
  private final org.taskwire.internal.journal.RunJournal journal;
  private final Settings settings;
  private final RucioClient client;
  private final String door;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Set<String> created = new HashSet<>();
  /** Work name to whether any of its calls or registrations failed. */
  private final Map<String, Boolean> works = new ConcurrentHashMap<>();
  /** Each dataset opened, to its work. */
  private final Map<String, String> datasets = new ConcurrentHashMap<>();
  /** Each dataset named by a work's own template, to the values it was named after: two sets of values must not share one. */
  private final Map<String, List<Object>> namedAfter = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  private DatasetRegistrar(String runId, Settings settings, org.taskwire.internal.journal.RunJournal journal) {
    this.runId = runId;
    this.journal = journal;
    this.settings = settings;
    try {
      this.client = new RucioClient(settings.url(), settings.account(), settings.auth(), settings.trusted());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("taskwire.rucio: " + e.getMessage(), e);
    }
    try {
      String who = client.whoami();
      this.door = client.webDavDoor(settings.rse());
      LOG.info("registering run {}'s files in Rucio at {} as {}, kept on {} through {}", runId, settings.url(), who,
          settings.rse(), door);
    } catch (RucioException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    this.thread = DaemonThreads.start("taskwire-rucio", this::loop);
  }

  /** The registrar {@code taskwire.rucio.*} asks for, after checking that Rucio answers and takes the credentials; null without {@code taskwire.rucio.url}. */
  public static DatasetRegistrar open(TaskwireConfig config, String runId, org.taskwire.internal.journal.RunJournal journal) {
    Settings settings = settings(config);
    return settings == null ? null : new DatasetRegistrar(runId, settings, journal);
  }

  /** The settings {@code taskwire.rucio.*} give, checked; null when no Rucio is named. */
  public static Settings settings(TaskwireConfig config) {
    String url = config.get(ConfigKey.RUCIO_URL).strip();
    if (url.isEmpty()) {
      return null;
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigurationException("taskwire.rucio.url = '" + url + "' is no http(s) URL of a Rucio server");
    }
    String account = config.get(ConfigKey.RUCIO_ACCOUNT).strip();
    String rse = config.get(ConfigKey.RUCIO_RSE).strip();
    if (rse.isEmpty()) {
      throw new ConfigurationException("taskwire.rucio.url is set but taskwire.rucio.rse is not: name the storage "
          + "element (RSE) the run's files are kept on, as for rucio upload --rse");
    }
    String tokenFile = config.get(ConfigKey.RUCIO_TOKEN_FILE).strip();
    String password = config.get(ConfigKey.RUCIO_PASSWORD);
    String certificate = config.get(ConfigKey.RUCIO_CLIENT_CERT).strip();
    RucioClient.Auth auth;
    if (!tokenFile.isEmpty()) {
      auth = new RucioClient.Auth.TokenFile(config.path(ConfigKey.RUCIO_TOKEN_FILE));
    } else if (!certificate.isEmpty()) {
      String key = config.get(ConfigKey.RUCIO_CLIENT_KEY).strip();
      auth = new RucioClient.Auth.X509(readable(config.path(ConfigKey.RUCIO_CLIENT_CERT), ConfigKey.RUCIO_CLIENT_CERT),
          key.isEmpty() ? null : readable(config.path(ConfigKey.RUCIO_CLIENT_KEY), ConfigKey.RUCIO_CLIENT_KEY));
    } else if (!password.isEmpty()) {
      String user = config.get(ConfigKey.RUCIO_USERNAME).strip();
      auth = new RucioClient.Auth.UserPass(user.isEmpty() ? account : user, password);
    } else {
      throw new ConfigurationException("taskwire.rucio.url is set but no credentials are: set taskwire.rucio.password "
          + "(with taskwire.rucio.username if it is not the account), taskwire.rucio.client-cert (an X.509 certificate "
          + "or proxy) or taskwire.rucio.token-file");
    }
    String scope = config.get(ConfigKey.RUCIO_SCOPE).strip();
    scope = scope.isEmpty() ? "user." + account : scope;
    String template = config.get(ConfigKey.RUCIO_DATASET).strip();
    try {
      RucioNames.checkScope(scope);
      RucioNames.dataset(template, "0123456789abcdef0123456789abcdef", "work");
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    String ca = config.get(ConfigKey.RUCIO_CA_CERTS).strip();
    java.nio.file.Path trusted = ca.isEmpty() ? null : readable(config.path(ConfigKey.RUCIO_CA_CERTS), ConfigKey.RUCIO_CA_CERTS);
    return new Settings(URI.create(url), account, auth, trusted, rse, scope, template);
  }

  private static java.nio.file.Path readable(java.nio.file.Path path, ConfigKey<String> key) {
    if (!java.nio.file.Files.isReadable(path)) {
      throw new ConfigurationException(key.name() + " = " + path + ": no such file, or it cannot be read");
    }
    return path;
  }

  /** Where workers keep the run's files: the storage element's WebDAV door, with Rucio's names in the run's scope. */
  public String storeUrl() {
    return door + "#" + DataStore.RUCIO_SCOPE + settings.scope();
  }

  /** The dataset a work's files go to, by {@code taskwire.rucio.dataset}. */
  public String dataset(String work) {
    return RucioNames.dataset(settings.datasetTemplate(), runId, work);
  }

  /**
   * The dataset a call's files go to: by its work's own template ({@code @Work(dataset)}) with the
   * call's arguments, else by {@code taskwire.rucio.dataset}.
   *
   * @throws IllegalArgumentException when the name is no Rucio name, or names another call's
   *     dataset made from other values (the template writes two values alike)
   */
  public String dataset(org.taskwire.spi.WorkDefinition<?, ?> work, Record arguments) {
    if (work.dataset().isEmpty()) {
      return dataset(work.name());
    }
    String name = RucioNames.dataset(work.dataset(), runId, work.name(), arguments);
    List<Object> values = RucioNames.parameterValues(work.dataset(), arguments);
    List<Object> before = namedAfter.putIfAbsent(name, values);
    if (before != null && !before.equals(values)) {
      throw new IllegalArgumentException("dataset " + name + " of " + work.name() + " would hold the files of " + values
          + " and of " + before + ", which @Work(dataset = \"" + work.dataset() + "\") writes alike; add a parameter "
          + "that tells them apart to the template");
    }
    return name;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Registers the files of a call's result (those on this run's storage element), then runs
   * {@code then}; or, when Rucio refuses or cannot be reached, {@code failed} with why.
   */
  public void register(String work, String dataset, List<DataFile> result, Runnable then, Consumer<String> failed) {
    List<DataFile> files = result.stream().filter(f -> f.uri().startsWith(door)).toList();
    works.putIfAbsent(work, false);
    if (files.isEmpty()) {
      then.run();
      return;
    }
    if (closed) {
      failed.accept("the run closed before its files were registered in Rucio");
      return;
    }
    queue.add(new Pending(work, dataset, files, then, failed));
  }

  /** Marks a work whose calls did not all succeed: its dataset stays open for a resumed run. */
  public void workIncomplete(String work) {
    works.put(work, true);
  }

  private void loop() {
    while (!closed || !queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      try {
        Pending first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, BATCH - 1);
      send(batch);
    }
  }

  private void send(List<Pending> batch) {
    try {
      Map<String, List<RucioClient.NewFile>> byDataset = new LinkedHashMap<>();
      for (Pending p : batch) {
        String dataset = p.dataset();
        if (created.add(dataset)) {
          datasets.put(dataset, p.work());
          if (client.addDataset(settings.scope(), dataset, settings.rse())) {
            LOG.info("created dataset {}:{} on {}", settings.scope(), dataset, settings.rse());
          }
          journal.datasetOpened(p.work(), settings.url().toString(), settings.scope(), dataset, settings.rse());
        }
        for (DataFile f : p.files()) {
          byDataset.computeIfAbsent(dataset, d -> new ArrayList<>()).add(new RucioClient.NewFile(lfn(f), f.size(), f.adler32()));
        }
      }
      client.attach(settings.scope(), settings.rse(), byDataset);
    } catch (RuntimeException e) {
      created.clear();
      String why = "the call's files were kept but Rucio did not register them: " + e.getMessage();
      for (Pending p : batch) {
        works.put(p.work(), true);
        p.failed().accept(why);
      }
      return;
    }
    for (Pending p : batch) {
      p.then().run();
    }
  }

  /** A kept file's Rucio name: the last segment of where it was kept. */
  private static String lfn(DataFile f) {
    String uri = f.uri();
    return URLDecoder.decode(uri.substring(uri.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
  }

  /**
   * Registers what is queued, then closes the datasets of the works whose calls all succeeded
   * ({@code complete}); a dataset with a failed or outstanding call stays open for a resumed run.
   */
  public void close(boolean complete) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      thread.join(120_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (var e : datasets.entrySet()) {
      if (!complete || works.getOrDefault(e.getValue(), true)) {
        continue;
      }
      String dataset = e.getKey();
      try {
        client.close(settings.scope(), dataset);
        journal.datasetClosed(settings.scope(), dataset);
        LOG.info("closed dataset {}:{}", settings.scope(), dataset);
      } catch (RucioException ex) {
        if (!"DataIdentifierNotFound".equals(ex.exceptionClass())) {
          LOG.warn("could not close dataset {}:{}: {}", settings.scope(), dataset, ex.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    close(false);
  }
}
