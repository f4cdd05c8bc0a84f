package org.taskwire.internal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.taskwire.ConfigurationException;

/**
 * A run's directory, {@code <runs>/<run id>/} (mode 0700): its journal ({@code journal.jsonl}),
 * the lock of the process that has it open ({@code lock}, holding its pid), and what late results
 * need to be accepted ({@code transport.properties}); files are 0600.
 */
public final class RunDirectory implements AutoCloseable {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path path;
  private FileChannel lockChannel;
  private FileLock lock;

  private RunDirectory(Path path) {
    this.path = path;
  }

  /** The directory of a run under {@code root}, created (0700) if need be. */
  public static RunDirectory create(Path root, String runId) {
    Path dir = root.resolve(runId);
    try {
      Files.createDirectories(root);
      createPrivateDirectories(dir);
    } catch (IOException e) {
      throw new ConfigurationException("cannot create the run directory " + dir + ": " + e.getMessage()
          + "; set taskwire.runs-dir to a writable directory", e);
    }
    return new RunDirectory(dir);
  }

  /** An existing run's directory, found by its id, a unique prefix of it, or {@code last}. */
  public static RunDirectory find(Path root, String idOrPrefix) {
    List<Path> runs = list(root);
    if (runs.isEmpty()) {
      throw new ConfigurationException("there is no run in " + root);
    }
    if ("last".equals(idOrPrefix)) {
      return new RunDirectory(runs.get(0));
    }
    List<Path> matches = runs.stream().filter(p -> p.getFileName().toString().startsWith(idOrPrefix)).toList();
    if (matches.isEmpty()) {
      throw new ConfigurationException("no run in " + root + " has an id starting with '" + idOrPrefix + "'");
    }
    if (matches.size() > 1) {
      throw new ConfigurationException("'" + idOrPrefix + "' is the start of " + matches.size() + " run ids in " + root
          + " (" + String.join(", ", matches.stream().map(p -> p.getFileName().toString()).limit(5).toList())
          + (matches.size() > 5 ? ", ..." : "") + "); give more of the id");
    }
    return new RunDirectory(matches.get(0));
  }

  /** The runs under {@code root} that have a journal, newest first. */
  public static List<Path> list(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> runs = new ArrayList<>();
    try (Stream<Path> all = Files.list(root)) {
      all.filter(p -> Files.isRegularFile(p.resolve("journal.jsonl"))).forEach(runs::add);
    } catch (IOException e) {
      throw new ConfigurationException("cannot list the runs in " + root + ": " + e.getMessage(), e);
    }
    runs.sort(Comparator.comparing(RunDirectory::modified).reversed());
    return runs;
  }

  private static java.nio.file.attribute.FileTime modified(Path run) {
    try {
      return Files.getLastModifiedTime(run.resolve("journal.jsonl"));
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  public Path path() {
    return path;
  }

  public String runId() {
    return path.getFileName().toString();
  }

  public Path journal() {
    return path.resolve("journal.jsonl");
  }

  /**
   * Where requests to the run's client are left ({@code cancel-<call>}), by the dashboard or a
   * command of another process: the client takes them from there while the run is open.
   */
  public Path requests() {
    return path.resolve("requests");
  }

  /** Asks the run's client to cancel a call: a file it takes at its next look. */
  public void requestCancel(long callId) {
    try {
      createPrivateDirectories(requests());
      writePrivate(requests().resolve("cancel-" + callId), new byte[0]);
    } catch (IOException e) {
      throw new ConfigurationException("cannot leave a request in " + requests() + ": " + e.getMessage(), e);
    }
  }

  /** The calls the run's client was asked to cancel since it last looked; their requests are removed. */
  public List<Long> takeCancelRequests() {
    Path dir = requests();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Long> calls = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.matches("cancel-\\d+")) {
          calls.add(Long.parseLong(name.substring("cancel-".length())));
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the requests in " + dir + ": " + e.getMessage(), e);
    }
    return calls;
  }

  /** What late results need: the run's route and signing key, 0600. */
  public Path transport() {
    return path.resolve("transport.properties");
  }

  /**
   * Takes the run for this process: a second process that tries is refused with the first one's
   * pid. The operating system drops the lock when its process dies, however it dies.
   */
  public void lock() {
    Path file = path.resolve("lock");
    try {
      if (!Files.exists(file)) {
        createPrivateFile(file);
      }
      lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        lockChannel.close();
        throw new ConfigurationException("run " + runId() + " is open in another process (pid "
            + (owner.isEmpty() ? "unknown" : owner) + "); only one process at a time may resume a run");
      }
      lockChannel.truncate(0);
      lockChannel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
          .getBytes(StandardCharsets.UTF_8)), 0);
      lockChannel.force(false);
    } catch (IOException e) {
      throw new ConfigurationException("cannot lock the run directory " + path + ": " + e.getMessage(), e);
    }
  }

  /** The pid of the process that has the run open now, if one has. */
  public java.util.OptionalLong openBy() {
    Path file = path.resolve("lock");
    if (!Files.exists(file)) {
      return java.util.OptionalLong.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return java.util.OptionalLong.empty();
      }
      String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      return owner.isEmpty() ? java.util.OptionalLong.of(-1) : java.util.OptionalLong.of(Long.parseLong(owner));
    } catch (IOException | NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /** An existing run's directory at {@code path}. */
  public static RunDirectory at(Path path) {
    return new RunDirectory(path);
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      // released with the process anyway
    }
  }

  /** Creates an empty file readable only by its owner. */
  static void createPrivateFile(Path file) throws IOException {
    if (POSIX) {
      FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      Files.createFile(file, mode);
    } else {
      Files.createFile(file);
    }
  }

  /** Creates a directory, and those above it that are missing, readable only by their owner. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      if (POSIX) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // made by a concurrent process
    }
  }

  /**
   * Writes a file readable only by its owner, replacing it whole; the temporary file is this
   * process's own, so that two processes writing the same file never share one.
   */
  public static void writePrivate(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    createPrivateFile(tmp);
    Files.write(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
