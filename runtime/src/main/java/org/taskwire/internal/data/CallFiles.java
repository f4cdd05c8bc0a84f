package org.taskwire.internal.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.taskwire.DataFile;

/**
 * The files of one call while a worker runs it: the inputs it takes, checked before it runs, and
 * the files it creates ({@link DataFile#create}) in its own directory, recorded with their size and
 * adler32 when it returns. The running call's instance is found through its thread, since a work
 * method is a plain static method.
 */
public final class CallFiles {
  private static final ThreadLocal<CallFiles> CURRENT = new ThreadLocal<>();

  private final DataStore store;
  private final String runId;
  private final String workName;
  private final long callId;
  private final int attempt;
  /** Where the work writes its files: where they are kept, or a scratch directory they are uploaded from. */
  private final Path directory;
  private final Map<String, Path> created = new LinkedHashMap<>();
  private long maxFileBytes = Long.MAX_VALUE;
  /** Input files fetched from a storage element for this call, by URI, and where they were put. */
  private final Map<String, Path> staged = new LinkedHashMap<>();

  private CallFiles(DataStore store, String runId, String workName, long callId, int attempt) {
    this.store = store;
    this.runId = runId;
    this.workName = workName;
    this.callId = callId;
    this.attempt = attempt;
    this.directory = store == null ? null : store.workingDirectory(runId, workName, callId, attempt);
  }

  /**
   * The files of one attempt of one call.
   *
   * @param store where the run's files are kept, or null when the worker was told of none
   */
  public static CallFiles of(DataStore store, String runId, String workName, long callId, int attempt) {
    return new CallFiles(store, runId, workName, callId, attempt);
  }

  /** Files larger than {@code bytes} fail the call rather than being kept ({@code taskwire.data.max-file-size}). */
  public CallFiles limitedTo(long bytes) {
    this.maxFileBytes = bytes;
    return this;
  }

  /** What a work method's {@link DataFile#create} does. */
  public static DataFile create(String name) {
    CallFiles call = CURRENT.get();
    if (call == null) {
      throw new IllegalStateException("DataFile.create(\"" + name + "\") is for a work method while it runs, on its own "
          + "thread: there it makes a file of the call's own; elsewhere, write where you like and pass the path as a String");
    }
    return call.make(name);
  }

  private DataFile make(String name) {
    DataFileNames.check(name);
    if (store == null) {
      throw new IllegalStateException("DataFile.create(\"" + name + "\"): this worker was started without a data "
          + "directory (taskwire.data.url, which reaches workers as " + DataStore.ENVIRONMENT + " or --data-url): "
          + "PanDA jobs keep files only on a storage element, so set it to the element's http(s):// door");
    }
    if (created.containsKey(name)) {
      throw new IllegalArgumentException("this call already created a data file named '" + name + "'");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create the call's data directory " + directory + ": " + e, e);
    }
    Path path = directory.resolve(name);
    created.put(name, path);
    return new DataFile(name, -1, "", path.toUri().toString());
  }

  /** Where this process reads or writes a data file: where it is kept, or the running call's copy of it. */
  public static Path localPath(DataFile file) {
    URI uri = URI.create(file.uri());
    if ("file".equals(uri.getScheme())) {
      return Path.of(uri);
    }
    CallFiles call = CURRENT.get();
    Path copy = call == null ? null : call.staged.get(file.uri());
    if (copy == null) {
      throw new IllegalStateException("data file " + file.name() + " is kept at " + file.uri() + ": a work that takes "
          + "it as a parameter finds it at path(); elsewhere, fetch it from there");
    }
    return copy;
  }

  /** A work method's invocation, which may throw anything. */
  public interface Invocation {
    Object invoke() throws Throwable;
  }

  /** Runs the work with this call's files at hand for {@link DataFile#create}. */
  public Object run(Invocation work) throws Throwable {
    CallFiles outer = CURRENT.get();
    CURRENT.set(this);
    try {
      return work.invoke();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /**
   * Makes every data file in the arguments readable before the work runs: one kept in a directory
   * is checked where it is; one kept on a storage element is fetched into a directory of this
   * call's own. Either way its size and adler32 must be those its call recorded.
   *
   * @throws DataFileException naming the file, where it was looked for and what differs
   */
  public void checkInputs(Record arguments) {
    DataFileWalker.replace(arguments, file -> {
      if (!file.recorded()) {
        throw new DataFileException("input data file " + file.name() + " was never recorded: pass a DataFile that a "
            + "call returned, not one being written");
      }
      if ("file".equals(URI.create(file.uri()).getScheme())) {
        checkInPlace(file);
      } else if (!staged.containsKey(file.uri())) {
        Path target = inputsDirectory().resolve(Integer.toString(staged.size())).resolve(file.name());
        WebDavFiles.download(file, target);
        staged.put(file.uri(), target);
      }
      return file;
    });
  }

  private Path inputsDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"), "taskwire-data", "inputs",
        DataStore.relative(runId, workName, callId, attempt));
  }

  /** The data files in a result or argument, at any depth, in the order they are found. */
  public static java.util.List<DataFile> filesIn(Object value) {
    return DataFileWalker.all(value);
  }

  /**
   * Whether every data file in a recorded value is still where it was kept, whole (size and
   * adler32); null if so, else what is missing or changed. A resumed run asks it of each recorded
   * result before taking it, and runs a call whose files are gone again.
   */
  public static String missing(Object value) {
    String[] found = {null};
    DataFileWalker.replace(value, file -> {
      if (found[0] == null) {
        try {
          if (!file.recorded()) {
            found[0] = "data file " + file.name() + " was never recorded";
          } else if ("file".equals(URI.create(file.uri()).getScheme())) {
            checkInPlace(file);
          } else {
            WebDavFiles.checkHeld(file);
          }
        } catch (DataFileException e) {
          found[0] = e.getMessage();
        }
      }
      return file;
    });
    return found[0];
  }

  private static void checkInPlace(DataFile file) {
    Path path = localPath(file);
    try {
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new DataFileException("input data file " + file.name() + " is not at " + path
            + (Files.exists(path) ? " as a plain file" : ": it was removed after its call wrote it"));
      }
      long size = Files.size(path);
      String adler32 = size == file.size() ? Adler32s.of(path) : "";
      if (size != file.size() || !adler32.equals(file.adler32())) {
        throw new DataFileException("input data file " + file.name() + " at " + path + " changed since its call wrote it: "
            + "recorded " + file.size() + " bytes, adler32 " + file.adler32() + "; found " + size + " bytes"
            + (adler32.isEmpty() ? "" : ", adler32 " + adler32));
      }
    } catch (IOException e) {
      throw new DataFileException("cannot read input data file " + file.name() + " at " + path + ": " + e.getMessage());
    }
  }

  /**
   * The result with each file this call created recorded (size and adler32); a file it created but
   * did not return is deleted.
   *
   * @throws DataFileException for a returned file the work did not write, or wrote as a link or a directory
   */
  public Object record(Object result) {
    Map<String, Path> unreturned = new LinkedHashMap<>(created);
    Object recorded = DataFileWalker.replace(result, file -> {
      if (file.recorded()) {
        return file;
      }
      Path path = created.get(file.name());
      if (path == null || !path.toUri().toString().equals(file.uri())) {
        throw new DataFileException("the work returned data file " + file.name() + " (" + file.uri()
            + "), which this call did not create with DataFile.create");
      }
      unreturned.remove(file.name());
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new DataFileException("the work returned data file " + file.name() + " but "
            + (Files.isSymbolicLink(path) ? "made it a link; write the file itself at " + path
            : Files.exists(path) ? "made it a directory at " + path : "did not write it at " + path));
      }
      try {
        long size = Files.size(path);
        if (size > maxFileBytes) {
          throw new DataFileException("data file " + file.name() + " is " + size + " bytes, more than "
              + "taskwire.data.max-file-size allows (" + maxFileBytes + " bytes); it was not kept");
        }
      } catch (IOException e) {
        throw new DataFileException("cannot read data file " + file.name() + " at " + path + ": " + e.getMessage());
      }
      return store.keep(runId, workName, callId, attempt, file.name(), path);
    });
    for (Path path : unreturned.values()) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // Left behind, and harmless: no value names it.
      }
    }
    return recorded;
  }

  /** Removes what a failed attempt wrote: no value names it, and a retry writes its own. */
  public void discard() {
    if (directory != null) {
      delete(directory);
    }
  }

  /**
   * Removes this call's copies of its inputs, and its scratch directory where its files were
   * uploaded from; what is kept stays.
   */
  public void close() {
    // Only the call's own directories: the run's and the work's above them are shared with calls
    // that other workers are running, which create theirs at the same moment.
    delete(inputsDirectory());
    if (store instanceof DataStore.WebDav && directory != null) {
      delete(directory);
    }
  }

  private static void delete(Path tree) {
    if (!Files.isDirectory(tree)) {
      return;
    }
    try {
      Files.walkFileTree(tree, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // Left behind, and harmless: no value names it.
    }
  }
}
