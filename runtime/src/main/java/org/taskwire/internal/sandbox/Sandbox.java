package org.taskwire.internal.sandbox;

import java.nio.file.Path;

/**
 * A built sandbox: the tarball {@code sources.<sha256>.tar.gz} (the {@code sources.} prefix puts
 * it in PanDA's 768 MiB cache class), its content hash and size.
 */
public record Sandbox(Path file, String hash, long bytes) {
  /** The file name a sandbox with this hash has. */
  public static String fileName(String hash) {
    return "sources." + hash + ".tar.gz";
  }

  /** The hash in a sandbox file name, or null if the name is not one. */
  public static String hashOf(String fileName) {
    if (fileName.startsWith("sources.") && fileName.endsWith(".tar.gz")) {
      String hash = fileName.substring("sources.".length(), fileName.length() - ".tar.gz".length());
      if (hash.matches("[0-9a-f]{64}")) {
        return hash;
      }
    }
    return null;
  }
}
