package org.taskwire.testing.panda;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PanDA's file cache: uploads in size classes (sandboxes {@code sources.*} up to 768 MiB, logs
 * {@code *.out} up to 100 MiB, the rest up to 10 MiB), no overwrite unless the name ends in
 * {@code __ow__}, duplicate checks by the gzip trailer's CRC32, and downloads without
 * authentication.
 */
final class FileCache {
  static final long SANDBOX_LIMIT = 768L << 20;
  private static final long NO_BUILD_LIMIT = 10L << 20;
  private static final long LOG_LIMIT = 100L << 20;

  private final Path directory;
  private final Map<String, CacheEntry> registry = new ConcurrentHashMap<>();

  private record CacheEntry(String owner, String name, long size, long checksum, Instant created) {}

  FileCache(Path directory) {
    this.directory = directory;
  }

  /** {@code GET /cache/<name>}, without authentication, as PanDA's cache serves files. */
  void serve(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    Path file = directory.resolve(name).normalize();
    if (!file.getParent().equals(directory) || !Files.isRegularFile(file)) {
      ctx.status(404).result("not found");
      return;
    }
    ctx.header("Content-Length", Long.toString(Files.size(file)));
    ctx.contentType("application/octet-stream");
    ctx.result(Files.newInputStream(file));
  }

  /** {@code file_server/validate_cache_file}: the user's file of this size and checksum, cached in the last 3 days. */
  Map<String, Object> validate(long size, long checksum, String user) {
    Instant window = Instant.now().minus(3, ChronoUnit.DAYS);
    for (CacheEntry e : registry.values()) {
      if (e.owner().equals(user) && e.size() == size && e.checksum() == checksum && e.created().isAfter(window)) {
        return ServerApi.envelope(true, "FOUND:127.0.0.1:" + e.name(), null);
      }
    }
    return ServerApi.envelope(false, "NOTFOUND", null);
  }

  /** {@code file_server/upload_cache_file}: size classes, no overwrite, a registry for duplicate checks. */
  Map<String, Object> upload(Context ctx, String user) throws IOException {
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null) {
      return ServerApi.envelope(false, "Argument error: missing required argument 'file'", null);
    }
    // The size class comes from the raw file name: a path never matches "sources.".
    String raw = file.filename();
    long limit = raw.endsWith(".out") ? LOG_LIMIT : raw.startsWith("sources.") ? SANDBOX_LIMIT : NO_BUILD_LIMIT;
    long length = ctx.contentLength();
    if (length > limit) {
      return ServerApi.envelope(false, "ERROR: upload failure. Exceeded size limit " + length + " > " + limit, null);
    }
    String name = Path.of(raw).getFileName().toString();
    Path target = directory.resolve(name);
    String[] fields = name.split("\\.");
    boolean overwrite = fields.length > 0 && "__ow__".equals(fields[fields.length - 1]);
    if (Files.exists(target) && !overwrite) {
      Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(Instant.now()));
      return ServerApi.envelope(false, "ERROR: cannot overwrite file", null);
    }
    Path tmp = directory.resolve("." + name + ".part");
    try (InputStream in = file.content()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    if (!name.endsWith(".out")) {
      registry.put(name, new CacheEntry(user, name, Files.size(target), gzipCrc(target), Instant.now()));
    }
    return ServerApi.envelope(true, "", null);
  }

  /** The cache's checksum: the gzip trailer's CRC32; 0 for a file too short to have one. */
  private static long gzipCrc(Path file) throws IOException {
    return Files.size(file) < 8 ? 0 : org.taskwire.internal.backend.panda.PandaApi.gzipChecksum(file);
  }
}
