package org.taskwire.internal.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;

/** Rucio's file checksum: adler32, written as eight lower-case hex digits. */
public final class Adler32s {
  private Adler32s() {}

  /** The adler32 of a file's bytes. */
  public static String of(Path file) throws IOException {
    Adler32 adler = new Adler32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        adler.update(buffer, 0, n);
      }
    }
    return hex(adler.getValue());
  }

  /** Eight lower-case hex digits, zero-padded, as Rucio writes them. */
  public static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(8 - digits.length()) + digits;
  }
}
