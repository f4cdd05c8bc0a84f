package org.taskwire.internal.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a run's files are kept, one directory per run, per work, per call and attempt
 * ({@code <root>/<run>/<work>/<call id>.<attempt>/<name>}), so that no retry or other call can
 * overwrite a file: a directory every worker sees ({@link Directory}), or a storage element
 * reached over HTTP, WebDAV as XRootD's XrdHttp serves it ({@link WebDav}).
 */
public sealed interface DataStore permits DataStore.Directory, DataStore.WebDav {
  /** The variable that tells a worker where the run's files are kept. */
  String ENVIRONMENT = "TASKWIRE_DATA_URL";
  /** The fragment of a storage element's URL that asks for Rucio's deterministic names in a scope. */
  String RUCIO_SCOPE = "rucio-scope=";
  /** The variable that tells a worker the largest file a call may keep, in bytes. */
  String MAX_FILE_SIZE_ENVIRONMENT = "TASKWIRE_DATA_MAX_FILE_SIZE";

  /** The largest file a worker's environment lets a call keep; no limit when it says none. */
  static long maxFileBytes(Map<String, String> environment) {
    String value = environment.get(MAX_FILE_SIZE_ENVIRONMENT);
    try {
      return value == null || value.isBlank() ? Long.MAX_VALUE : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_FILE_SIZE_ENVIRONMENT + " = '" + value + "' is not a number of bytes");
    }
  }

  /**
   * The store a {@code taskwire.data.url} value names: a path or a {@code file:} URL, or an
   * {@code http(s)://} URL of a storage element's WebDAV door.
   *
   * @throws IllegalArgumentException for anything else, naming what is supported
   */
  static DataStore at(String url) {
    String value = url.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("taskwire.data.url is empty: give a directory every worker sees, or a "
          + "storage element's https:// (WebDAV) URL");
    }
    if (value.startsWith("file:")) {
      return new Directory(Path.of(URI.create(value)));
    }
    if (value.startsWith("http://") || value.startsWith("https://")) {
      int hash = value.indexOf('#');
      String scope = null;
      if (hash >= 0) {
        String fragment = value.substring(hash + 1);
        if (!fragment.startsWith(RUCIO_SCOPE)) {
          throw new IllegalArgumentException("taskwire.data.url = '" + value + "': the only fragment it takes is #"
              + RUCIO_SCOPE + "<scope>, Rucio's deterministic names for a storage element Rucio knows");
        }
        scope = fragment.substring(RUCIO_SCOPE.length());
        RucioNames.checkScope(scope);
        value = value.substring(0, hash);
      }
      return new WebDav(WebDavFiles.base(value), scope);
    }
    int colon = value.indexOf("://");
    if (colon > 0) {
      String scheme = value.substring(0, colon);
      throw new IllegalArgumentException("taskwire.data.url = '" + value + "': " + scheme + ":// is not supported"
          + (scheme.equals("root") || scheme.equals("davs")
          ? "; give the storage element's HTTP door instead (XRootD's XrdHttp, https:// or http://)"
          : "; give a directory every worker sees, or a storage element's https:// (WebDAV) URL"));
    }
    return new Directory(Path.of(value));
  }

  /** The store a worker's environment names, or null when it names none. */
  static DataStore fromEnvironment(Map<String, String> environment) {
    String url = environment.get(ENVIRONMENT);
    return url == null || url.isBlank() ? null : at(url);
  }

  /** The store's address, as {@code taskwire.data.url} would give it. */
  String url();

  /** What a worker's environment holds to reach this store. */
  default Map<String, String> environment() {
    return Map.of(ENVIRONMENT, url());
  }

  /** Where one attempt of one call writes its files before they are kept. */
  Path workingDirectory(String runId, String workName, long callId, int attempt);

  /**
   * Keeps a file a call wrote in its working directory, and says what was kept.
   *
   * @param local the file as the work wrote it
   * @throws DataFileException when the store does not take it whole
   */
  org.taskwire.DataFile keep(String runId, String workName, long callId, int attempt, String name, Path local);

  /** The files of one attempt, under the run's directory. */
  static String relative(String runId, String workName, long callId, int attempt) {
    return runId + "/" + workName + "/" + callId + "." + attempt;
  }

  /**
   * A directory every worker sees: a call writes its files where they are kept, so keeping one
   * costs its checksum, not a copy.
   *
   * @param root the directory, absolute
   */
  record Directory(Path root) implements DataStore {
    public Directory {
      root = root.toAbsolutePath().normalize();
    }

    @Override
    public String url() {
      return root.toUri().toString();
    }

    @Override
    public Path workingDirectory(String runId, String workName, long callId, int attempt) {
      return root.resolve(relative(runId, workName, callId, attempt));
    }

    @Override
    public org.taskwire.DataFile keep(String runId, String workName, long callId, int attempt, String name, Path local) {
      try {
        return new org.taskwire.DataFile(name, Files.size(local), Adler32s.of(local), local.toUri().toString());
      } catch (IOException e) {
        throw new DataFileException("cannot read data file " + name + " at " + local + ": " + e.getMessage());
      }
    }
  }

  /**
   * A storage element's WebDAV door (XRootD's XrdHttp, or any server that takes {@code PUT} and
   * answers {@code Want-Digest: adler32}): a call writes in a scratch directory of its worker, and
   * each file it returns is uploaded, checked by the size the element holds, and removed there.
   * With a Rucio scope, files go where a deterministic Rucio storage element keeps them
   * ({@link RucioNames#hashPath}), under the names Taskwire registers them with ({@link RucioNames#lfn}).
   *
   * @param base the door's URL, ending in {@code /}
   * @param rucioScope the scope of Rucio's names, or null for one directory per call and attempt
   */
  record WebDav(String base, String rucioScope) implements DataStore {
    public WebDav(String base) {
      this(base, null);
    }

    @Override
    public String url() {
      return rucioScope == null ? base : base + "#" + RUCIO_SCOPE + rucioScope;
    }

    @Override
    public Path workingDirectory(String runId, String workName, long callId, int attempt) {
      return Path.of(System.getProperty("java.io.tmpdir"), "taskwire-data", relative(runId, workName, callId, attempt));
    }

    @Override
    public org.taskwire.DataFile keep(String runId, String workName, long callId, int attempt, String name, Path local) {
      String url = rucioScope == null
          ? base + relative(runId, workName, callId, attempt) + "/" + WebDavFiles.encode(name)
          : base + RucioNames.hashPath(rucioScope, RucioNames.lfn(runId, workName, callId, attempt, name));
      return WebDavFiles.upload(local, name, url);
    }
  }
}
