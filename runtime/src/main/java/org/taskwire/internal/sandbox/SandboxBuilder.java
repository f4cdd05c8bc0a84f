package org.taskwire.internal.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds the sandbox of the running JVM: its class path (jars and class directories, not the
 * JDK), extra files, and a {@link SandboxManifest}, as a gzip tarball named after the SHA-256 of
 * its bytes. The same inputs give the same bytes (sorted entries, fixed times and owners), so the
 * name identifies the content, and an unchanged class path is recognised from cached file hashes
 * without writing anything.
 */
public final class SandboxBuilder {
  /** PanDA's limit for {@code sources.*} files in its cache. */
  public static final long PANDA_LIMIT = 768L << 20;

  private static final String CLASSPATH = "classpath/";
  private static final String EXTRA = "extra/";

  private final List<Path> classpath;
  private final List<String> excludes = new ArrayList<>();
  private final Map<String, Path> extras = new TreeMap<>();
  private Path cacheDirectory;
  private long maxBytes = PANDA_LIMIT;
  private int lastComputedHashes;

  private SandboxBuilder(List<Path> classpath) {
    this.classpath = List.copyOf(classpath);
  }

  /** A builder for a class path in {@code java.class.path} form. */
  public static SandboxBuilder forClasspath(String classpath) {
    List<Path> entries = new ArrayList<>();
    for (String e : classpath.split(File.pathSeparator)) {
      if (!e.isBlank()) {
        entries.add(Path.of(e));
      }
    }
    return new SandboxBuilder(entries);
  }

  /** Leaves out class-directory files (and jars) whose path matches the glob, e.g. {@code **}{@code /*.root}. */
  public SandboxBuilder exclude(String glob) {
    FileSystems.getDefault().getPathMatcher("glob:" + glob); // fails early on a malformed glob
    excludes.add(glob);
    return this;
  }

  /** Adds a file or directory (input files, a setup script) under {@code extra/<its name>}. */
  public SandboxBuilder extra(Path fileOrDirectory) {
    if (!Files.exists(fileOrDirectory)) {
      throw new SandboxException("extra sandbox file " + fileOrDirectory + " does not exist");
    }
    extras.put(fileOrDirectory.getFileName().toString(), fileOrDirectory);
    return this;
  }

  /** Where built sandboxes and remembered file hashes are kept; default {@code ~/.taskwire/sandboxes}. */
  public SandboxBuilder cacheDirectory(Path directory) {
    this.cacheDirectory = directory;
    return this;
  }

  /** The largest sandbox allowed; default {@link #PANDA_LIMIT}. */
  public SandboxBuilder maxBytes(long bytes) {
    this.maxBytes = bytes;
    return this;
  }

  /** How many files the last {@link #build} actually read to hash them (the rest came from the cache). */
  int lastComputedHashes() {
    return lastComputedHashes;
  }

  private record Item(String path, Path source, long size, long modified) {}

  /** What a sandbox will hold, and the key of that content. */
  private record Content(List<Item> items, byte[] manifestBytes, String key) {}

  /**
   * The key of the content the sandbox would hold: the hash of its manifest (class path order and
   * every file's hash), found without packing anything; unchanged files are not read again.
   *
   * @throws SandboxException if a file cannot be read
   */
  public String contentKey() {
    try {
      return content(cache()).key();
    } catch (IOException e) {
      throw new SandboxException("cannot hash the class path: " + e.getMessage(), e);
    }
  }

  private Path cache() throws IOException {
    Path cache = cacheDirectory != null ? cacheDirectory
        : Path.of(System.getProperty("user.home"), ".taskwire", "sandboxes");
    Files.createDirectories(cache);
    return cache;
  }

  private Content content(Path cache) throws IOException {
    List<PathMatcher> matchers = excludes.stream()
        .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    List<String> cpEntries = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
    for (int i = 0; i < classpath.size(); i++) {
      Path entry = classpath.get(i);
      if (!Files.exists(entry) || entry.toRealPath().startsWith(javaHome)) {
        continue;
      }
      String name = CLASSPATH + i + "-" + entry.getFileName();
      if (Files.isDirectory(entry)) {
        cpEntries.add(name);
        collect(entry, name + "/", matchers, items);
      } else if (!excluded(matchers, entry.getFileName().toString())) {
        cpEntries.add(name);
        items.add(item(name, entry));
      }
    }
    for (Map.Entry<String, Path> e : extras.entrySet()) {
      if (Files.isDirectory(e.getValue())) {
        collect(e.getValue(), EXTRA + e.getKey() + "/", List.of(), items);
      } else {
        items.add(item(EXTRA + e.getKey(), e.getValue()));
      }
    }
    items.sort(Comparator.comparing(Item::path));

    FileHashes hashes = new FileHashes(cache.resolve("file-hashes.tsv"));
    Map<String, String> fileHashes = new TreeMap<>();
    for (Item item : items) {
      fileHashes.put(item.path(), hashes.hash(item.source(), item.size(), item.modified()));
    }
    hashes.save();
    lastComputedHashes = hashes.computed();
    SandboxManifest manifest = new SandboxManifest(1, Runtime.version().feature() + "",
        SandboxManifest.WRAPPER_MAIN, cpEntries, fileHashes);
    byte[] manifestBytes = manifest.toJson();
    return new Content(items, manifestBytes, HexFormat.of().formatHex(FileHashes.digest().digest(manifestBytes)));
  }

  /**
   * Builds the sandbox, or finds the one already built from the same content.
   *
   * @throws SandboxException if a file cannot be read or the sandbox is over the size limit
   */
  public Sandbox build() {
    try {
      Path cache = cache();
      Content content = content(cache);
      List<Item> items = content.items();
      byte[] manifestBytes = content.manifestBytes();
      // The same manifest means the same tarball: reuse it without writing anything.
      String manifestKey = content.key();
      Path built = cache.resolve("built-" + manifestKey);
      if (Files.isRegularFile(built)) {
        Path previous = cache.resolve(Files.readString(built).trim());
        if (Files.isRegularFile(previous)) {
          return new Sandbox(previous, Sandbox.hashOf(previous.getFileName().toString()), Files.size(previous));
        }
      }
      Sandbox sandbox = write(cache, items, manifestBytes);
      if (sandbox.bytes() > maxBytes) {
        Files.deleteIfExists(sandbox.file());
        throw new SandboxException(tooLarge(sandbox.bytes(), items));
      }
      Files.writeString(built, sandbox.file().getFileName().toString());
      return sandbox;
    } catch (IOException e) {
      throw new SandboxException("cannot build the sandbox: " + e.getMessage(), e);
    }
  }

  private String tooLarge(long bytes, List<Item> items) {
    String largest = items.stream()
        .sorted(Comparator.comparingLong(Item::size).reversed())
        .limit(10)
        .map(i -> String.format("  %8.1f MB  %s", i.size() / 1e6, i.source()))
        .collect(Collectors.joining("\n"));
    return String.format("the sandbox is %.1f MB, above the limit of %.1f MB (PanDA's cache takes at most 768 MiB); "
        + "leave out large files with excludes (e.g. @Workflow(excludes = \"**/*.root\")) and ship data through "
        + "storage instead. The largest entries:%n%s", bytes / 1e6, maxBytes / 1e6, largest);
  }

  private static boolean excluded(List<PathMatcher> matchers, String relative) {
    Path p = Path.of(relative);
    return matchers.stream().anyMatch(m -> m.matches(p));
  }

  private static void collect(Path root, String prefix, List<PathMatcher> matchers, List<Item> items) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
        String relative = root.relativize(file).toString().replace(File.separatorChar, '/');
        if (!excluded(matchers, relative)) {
          items.add(item(prefix + relative, file));
        }
      }
    }
  }

  private static Item item(String path, Path source) throws IOException {
    BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
    return new Item(path, source, a.size(), a.lastModifiedTime().toMillis());
  }

  private static Sandbox write(Path cache, List<Item> items, byte[] manifest) throws IOException {
    Path tmp = Files.createTempFile(cache, "sources", ".tmp");
    MessageDigest digest = FileHashes.digest();
    try (OutputStream file = Files.newOutputStream(tmp);
        DigestOutputStream hashed = new DigestOutputStream(file, digest);
        GZIPOutputStream gzip = new GZIPOutputStream(hashed, 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      add(tar, SandboxManifest.NAME, manifest.length, new java.io.ByteArrayInputStream(manifest));
      for (Item item : items) {
        try (InputStream in = Files.newInputStream(item.source())) {
          add(tar, item.path(), item.size(), in);
        }
      }
      tar.finish();
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String hash = HexFormat.of().formatHex(digest.digest());
    Path target = cache.resolve(Sandbox.fileName(hash));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Sandbox(target, hash, Files.size(target));
  }

  /** Fixed owner, mode and time, so the same content gives the same bytes. */
  private static void add(TarArchiveOutputStream tar, String path, long size, InputStream content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path, true);
    entry.setSize(size);
    entry.setMode(0100644);
    entry.setModTime(0L);
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
    tar.putArchiveEntry(entry);
    long copied = content.transferTo(tar);
    if (copied != size) {
      throw new IOException(path + " changed while the sandbox was being built");
    }
    tar.closeArchiveEntry();
  }
}
