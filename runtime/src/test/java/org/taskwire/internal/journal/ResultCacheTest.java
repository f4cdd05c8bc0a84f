package org.taskwire.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared result store: round trip, private files, least recently used out first. */
class ResultCacheTest {
  @TempDir Path dir;

  private static String key(int i) {
    return String.format("%040x", i);
  }

  @Test
  void aResultReadsBackWithItsCodecInAPrivateFile() throws Exception {
    ResultCache cache = new ResultCache(dir.resolve("cache"));
    assertThat(cache.get(key(1))).isEmpty();
    cache.put(key(1), "kryo", new byte[] {1, 10, 2});
    ResultCache.Entry entry = cache.get(key(1)).orElseThrow();
    assertThat(entry.codec()).isEqualTo("kryo");
    assertThat(entry.result()).containsExactly(1, 10, 2);
    Path file = dir.resolve("cache").resolve(key(1).substring(0, 2)).resolve(key(1));
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void trimmingDropsTheLeastRecentlyUsedFirst() throws Exception {
    ResultCache cache = new ResultCache(dir);
    for (int i = 0; i < 5; i++) {
      cache.put(key(i), "kryo", new byte[100]);
      Path file = dir.resolve(key(i).substring(0, 2)).resolve(key(i));
      Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_000_000 + i)));
    }
    cache.get(key(0)); // a hit makes it the most recently used
    assertThat(cache.trim(3 * 105)).extracting(r -> r.file().getFileName().toString())
        .containsExactly(key(1), key(2));
    assertThat(cache.get(key(0))).isPresent();
    assertThat(cache.get(key(1))).isEmpty();
    assertThat(cache.get(key(4))).isPresent();
  }
}
