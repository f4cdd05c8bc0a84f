package org.taskwire.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import org.taskwire.sandbox.SandboxException.Reason;

/**
 * The worker's side: takes a sandbox by path or URL (as a pilot's runGen fetches
 * {@code https://…/cache/sources.<hash>.tar.gz}), checks its SHA-256 against its name, and
 * extracts it once into {@code <root>/<hash>/}, shared by every job on the node. Extraction goes
 * to a private directory first and is renamed into place atomically, so concurrent jobs never see
 * half a sandbox. Entries that are absolute, climb out with {@code ..}, or are links or devices
 * are refused.
 */
public final class SandboxStore {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final String COMPLETE = ".taskwire-complete";

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
        try {
          extract(file, staging, pathOrUrl);
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
      } finally {
        if (remote) {
          Files.deleteIfExists(file);
        }
      }
      return new Opened(target, manifest(target));
    } catch (IOException e) {
      throw new SandboxException(Reason.UNAVAILABLE, "cannot open sandbox " + pathOrUrl + ": " + e.getMessage(), e);
    }
  }

  private Path download(String url, String name) throws IOException {
    Path part = root.resolve(name + "." + UUID.randomUUID() + ".part");
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofMinutes(30)).build();
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
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

  private static void extract(Path file, Path into, String source) throws IOException {
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
          Files.copy(tar, path);
        }
      }
    }
  }

  /** The manifest inside a sandbox tarball, read without extracting anything else. */
  public static SandboxManifest readManifest(Path tarball) throws IOException {
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.util.zip.GZIPInputStream(Files.newInputStream(tarball)))) {
      for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        if (entry.getName().equals(SandboxManifest.NAME)) {
          return MAPPER.readValue(tar.readAllBytes(), SandboxManifest.class);
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
    return MAPPER.readValue(file.toFile(), SandboxManifest.class);
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
