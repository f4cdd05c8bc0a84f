package org.taskwire.internal.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.taskwire.internal.net.Http;
import org.taskwire.internal.net.RetryPolicy;
import org.taskwire.internal.sandbox.SandboxException.Reason;

/**
 * The worker's side: takes a sandbox by path or URL (as a pilot's runGen fetches
 * {@code https://…/cache/sources.<hash>.tar.gz}), checks its SHA-256 against its name, and
 * extracts it once into {@code <root>/<hash>/}, shared by every job on the node. Extraction goes
 * to a private directory first and is renamed into place atomically, so concurrent jobs never see
 * half a sandbox. Entries that are absolute, climb out with {@code ..}, or are links or devices
 * are refused.
 */
public final class SandboxStore {
  private static final String COMPLETE = ".taskwire-complete";
  /** No sandbox extracts to more than this, whatever its compressed size. */
  static final long MAX_EXTRACTED_BYTES = 4L << 30;
  /**
   * Nor to more than this many times its compressed size (with a floor): class paths are mostly
   * jars, already compressed, so a real sandbox grows little, while a decompression bomb grows a
   * thousandfold.
   */
  static final long MAX_EXPANSION = 100;
  static final long EXPANSION_FLOOR_BYTES = 256L << 20;

  private final Path root;

  /** A sandbox ready to run: where it was extracted and what its manifest says. */
  public record Opened(Path directory, SandboxManifest manifest) {
    /** The class path entries as files on this machine, in order. */
    public List<Path> classpath() {
      return manifest.classpath().stream().map(directory::resolve).toList();
    }
  }

  public SandboxStore(Path root) {
    this.root = root;
  }

  /**
   * Fetches, verifies and extracts a sandbox, or finds it already extracted.
   *
   * @throws SandboxException with {@link Reason#CORRUPT}, {@link Reason#UNSAFE} or
   *     {@link Reason#UNAVAILABLE}, naming the file
   */
  public Opened open(String pathOrUrl) {
    String name = pathOrUrl.substring(pathOrUrl.lastIndexOf('/') + 1);
    String hash = Sandbox.hashOf(name);
    if (hash == null) {
      throw new SandboxException(Reason.UNAVAILABLE, "'" + pathOrUrl + "' is not a sandbox: its name must be "
          + "sources.<sha256>.tar.gz", null);
    }
    try {
      Files.createDirectories(root);
      Path target = root.resolve(hash);
      if (Files.exists(target.resolve(COMPLETE))) {
        return new Opened(target, manifest(target));
      }
      boolean remote = pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://");
      Path file = remote ? download(pathOrUrl, name) : Path.of(pathOrUrl);
      try {
        String actual = FileHashes.sha256(file);
        if (!actual.equals(hash)) {
          throw new SandboxException(Reason.CORRUPT, "sandbox " + pathOrUrl + " is corrupt or truncated: its SHA-256 is "
              + actual + " but its name says " + hash, null);
        }
        Path staging = root.resolve(".extract-" + hash + "-" + UUID.randomUUID());
        SandboxManifest manifest;
        try {
          long limit = Math.min(MAX_EXTRACTED_BYTES, Math.max(EXPANSION_FLOOR_BYTES, MAX_EXPANSION * Files.size(file)));
          try {
            extract(file, staging, pathOrUrl, limit);
            manifest = manifest(staging);
          } catch (IOException e) {
            // The name matched the content, so the content itself is bad: not gzip, a torn tar, a bad manifest.
            throw new SandboxException(Reason.CORRUPT, "sandbox " + pathOrUrl + " is corrupt: " + e.getMessage(), e);
          }
          Files.createFile(staging.resolve(COMPLETE));
          try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            // Another job on this node got there first with the same content; anything else is real.
            if (!Files.exists(target.resolve(COMPLETE))) {
              throw e;
            }
          }
        } finally {
          deleteTree(staging);
        }
        // Checked in staging; the same content is in target now, whichever job moved it there.
        return new Opened(target, manifest);
      } finally {
        if (remote) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new SandboxException(Reason.UNAVAILABLE, "cannot open sandbox " + pathOrUrl + ": " + e.getMessage(), e);
    }
  }

  private Path download(String url, String name) throws IOException {
    Path part = root.resolve(name + "." + UUID.randomUUID() + ".part");
    OkHttpClient http = Http.shared().newBuilder().callTimeout(Duration.ofMinutes(30)).build();
    // As runGen does: a flaky cache gets a few more tries before the job gives up.
    try (Response response = new RetryPolicy(3, Duration.ofSeconds(2)).execute(http,
        new Request.Builder().url(url).build(), (why, wait) -> System.err.println(
            "taskwire: downloading " + url + ": " + why + "; retrying in " + wait.toSeconds() + " s"))) {
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code() + " for " + url);
      }
      try (InputStream in = response.body().byteStream()) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    return part;
  }

  private static void extract(Path file, Path into, String source, long limit) throws IOException {
    long total = 0;
    Files.createDirectories(into);
    Path base = into.toAbsolutePath().normalize();
    try (InputStream in = Files.newInputStream(file);
        GZIPInputStream gzip = new GZIPInputStream(in, 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        String name = entry.getName();
        if (entry.isSymbolicLink() || entry.isLink() || entry.isCharacterDevice() || entry.isBlockDevice()
            || entry.isFIFO()) {
          throw new SandboxException(Reason.UNSAFE, "sandbox " + source + " holds a link or device, " + name
              + ", which is refused", null);
        }
        Path path = base.resolve(name).normalize();
        if (name.startsWith("/") || Path.of(name).isAbsolute() || !path.startsWith(base) || path.equals(base)) {
          throw new SandboxException(Reason.UNSAFE, "sandbox " + source + " holds the entry " + name
              + ", which would land outside the sandbox; refused", null);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else if (entry.isFile()) {
          Files.createDirectories(path.getParent());
          total += copyAtMost(tar, path, limit - total);
          if (total > limit) {
            throw new SandboxException(Reason.UNSAFE, "sandbox " + source + " extracts to more than " + limit
                + " bytes (" + Files.size(file) + " compressed); refused as a decompression bomb", null);
          }
        }
      }
    }
  }

  /** Copies up to {@code budget + 1} bytes, so that a caller can tell the budget was exceeded. */
  private static long copyAtMost(InputStream in, Path to, long budget) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long copied = 0;
    try (java.io.OutputStream out = Files.newOutputStream(to)) {
      for (int n; copied <= budget && (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        copied += n;
      }
    }
    return copied;
  }

  /** The manifest inside a sandbox tarball, read without extracting anything else. */
  public static SandboxManifest readManifest(Path tarball) throws IOException {
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.util.zip.GZIPInputStream(Files.newInputStream(tarball)))) {
      for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        if (entry.getName().equals(SandboxManifest.NAME)) {
          return SandboxManifest.parse(tar.readAllBytes());
        }
      }
    }
    throw new SandboxException(Reason.CORRUPT, tarball + " has no " + SandboxManifest.NAME, null);
  }

  private static SandboxManifest manifest(Path directory) throws IOException {
    Path file = directory.resolve(SandboxManifest.NAME);
    if (!Files.isRegularFile(file)) {
      throw new SandboxException(Reason.CORRUPT, "the sandbox in " + directory + " has no " + SandboxManifest.NAME, null);
    }
    SandboxManifest manifest = SandboxManifest.parse(Files.readAllBytes(file));
    if (manifest.classpath() == null || manifest.classpath().isEmpty()) {
      throw new SandboxException(Reason.CORRUPT, "the manifest of the sandbox in " + directory
          + " lists no class path", null);
    }
    Path base = directory.toAbsolutePath().normalize();
    for (String entry : manifest.classpath()) {
      Path resolved = entry == null ? null : base.resolve(entry).normalize();
      if (resolved == null || !resolved.startsWith(base) || !Files.exists(resolved)) {
        throw new SandboxException(Reason.CORRUPT, "the manifest of the sandbox in " + directory
            + " names a class path entry that is not in the sandbox: " + entry, null);
      }
    }
    return manifest;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
