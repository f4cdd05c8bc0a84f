package org.taskwire.internal.sandbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SHA-256 of files, remembered by path, size and modification time in a small file, so an
 * unchanged class path is re-checked without reading its jars again.
 */
final class FileHashes {
  private record Key(String path, long size, long modified) {}

  private final Path store;
  private final Map<Key, String> known = new ConcurrentHashMap<>();
  private final AtomicInteger computed = new AtomicInteger();
  private boolean dirty;

  FileHashes(Path store) {
    this.store = store;
    if (store != null && Files.isRegularFile(store)) {
      try {
        for (String line : Files.readAllLines(store, StandardCharsets.UTF_8)) {
          String[] f = line.split("\t");
          if (f.length == 4) {
            known.put(new Key(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])), f[3]);
          }
        }
      } catch (IOException | NumberFormatException e) {
        known.clear(); // a damaged cache only costs re-hashing
      }
    }
  }

  /** The file's SHA-256 in hex, from memory when its size and modification time are unchanged. */
  String hash(Path file, long size, long modified) throws IOException {
    Key key = new Key(file.toAbsolutePath().toString(), size, modified);
    String hash = known.get(key);
    if (hash == null) {
      hash = sha256(file);
      known.put(key, hash);
      computed.incrementAndGet();
      dirty = true;
    }
    return hash;
  }

  /** How many files were actually read since this object was made. */
  int computed() {
    return computed.get();
  }

  void save() throws IOException {
    if (store == null || !dirty) {
      return;
    }
    Files.createDirectories(store.getParent());
    Path tmp = Files.createTempFile(store.getParent(), "hashes", ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (Map.Entry<Key, String> e : known.entrySet()) {
        out.write(e.getKey().path() + "\t" + e.getKey().size() + "\t" + e.getKey().modified() + "\t" + e.getValue());
        out.newLine();
      }
    }
    Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    dirty = false;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
