package org.taskwire.internal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results shared across runs, by call key (without its occurrence: identical calls have one
 * result): {@code <dir>/<first two hex digits>/<key>}, each file the codec's name, a newline and
 * the encoded result. A hit touches its file, so that trimming to the size bound drops the least
 * recently used first. Files are 0600, directories 0700.
 */
public final class ResultCache {
  private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);

  private final Path directory;

  /** A cached result: its codec and encoded value. */
  public record Entry(String codec, byte[] result) {}

  /** One file removed from the cache, and its size. */
  public record Removed(Path file, long bytes) {}

  public ResultCache(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  private Path file(String key) {
    if (!key.matches("[0-9a-f]{40}")) {
      throw new IllegalArgumentException("not a call key without occurrence: " + key);
    }
    return directory.resolve(key.substring(0, 2)).resolve(key);
  }

  /** The result cached for a key, if any; an unreadable entry counts as none. */
  public Optional<Entry> get(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      byte[] all = Files.readAllBytes(file);
      int newline = indexOf(all, (byte) '\n');
      if (newline <= 0) {
        LOG.warn("ignoring the malformed cached result {}", file);
        return Optional.empty();
      }
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
      return Optional.of(new Entry(new String(all, 0, newline, StandardCharsets.UTF_8),
          Arrays.copyOfRange(all, newline + 1, all.length)));
    } catch (IOException e) {
      LOG.warn("cannot read the cached result {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Keeps a result; a failure to is logged, never fatal. */
  public void put(String key, String codec, byte[] result) {
    Path file = file(key);
    try {
      RunDirectory.createPrivateDirectories(file.getParent());
      byte[] head = (codec + "\n").getBytes(StandardCharsets.UTF_8);
      byte[] all = Arrays.copyOf(head, head.length + result.length);
      System.arraycopy(result, 0, all, head.length, result.length);
      RunDirectory.writePrivate(file, all);
    } catch (IOException e) {
      LOG.warn("cannot cache a result in {}: {}", directory, e.getMessage());
    }
  }

  /** Removes the least recently used results until the cache holds at most {@code maxBytes}. */
  public List<Removed> trim(long maxBytes) {
    List<Path> files = files();
    long total = 0;
    for (Path f : files) {
      total += size(f);
    }
    List<Removed> removed = new ArrayList<>();
    files.sort(Comparator.comparing(ResultCache::modified));
    for (Path f : files) {
      if (total <= maxBytes) {
        break;
      }
      long bytes = size(f);
      if (delete(f)) {
        removed.add(new Removed(f, bytes));
        total -= bytes;
      }
    }
    return removed;
  }

  /** Removes the results not used since {@code before}; {@code dryRun} only says which. */
  public List<Removed> removeOlderThan(Instant before, boolean dryRun) {
    List<Removed> removed = new ArrayList<>();
    for (Path f : files()) {
      if (modified(f).toInstant().isBefore(before)) {
        long bytes = size(f);
        if (dryRun || delete(f)) {
          removed.add(new Removed(f, bytes));
        }
      }
    }
    return removed;
  }

  private List<Path> files() {
    if (!Files.isDirectory(directory)) {
      return new ArrayList<>();
    }
    try (Stream<Path> all = Files.walk(directory, 2)) {
      return new ArrayList<>(all.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches("[0-9a-f]{40}")).toList());
    } catch (IOException e) {
      LOG.warn("cannot list the result cache {}: {}", directory, e.getMessage());
      return new ArrayList<>();
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private static FileTime modified(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static boolean delete(Path f) {
    try {
      return Files.deleteIfExists(f);
    } catch (IOException e) {
      return false;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
