package org.taskwire.internal.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.Adler32;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.taskwire.DataFile;
import org.taskwire.internal.net.Http;

/**
 * Files to and from a storage element's HTTP door (WebDAV, as XRootD's XrdHttp serves it), on
 * Taskwire's one HTTP client: {@code PUT} to keep a file, {@code HEAD} with
 * {@code Want-Digest: adler32} to check what the element holds, {@code GET} to stage a file in.
 */
final class WebDavFiles {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  /** A large file streams for minutes; what must not last is a stall. */
  private static final Duration STALL = Duration.ofMinutes(5);
  /**
   * How long an answer may take once a request is sent: a call whose element stops answering fails
   * in a minute, naming the element, instead of waiting for the stall limit.
   */
  private static final Duration ANSWER = Duration.ofSeconds(60);
  private static OkHttpClient client;

  private WebDavFiles() {}

  private static synchronized OkHttpClient client() {
    if (client == null) {
      client = Http.shared().newBuilder().readTimeout(ANSWER).writeTimeout(STALL).build();
    }
    return client;
  }

  /** A door's URL, checked, ending in {@code /}. */
  static String base(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new IllegalArgumentException("taskwire.data.url = '" + url + "' is not a valid http(s) URL");
    }
    String s = parsed.toString();
    return s.endsWith("/") ? s : s + "/";
  }

  /** A file name as one path segment of a URL. */
  static String encode(String name) {
    return HttpUrl.get("http://x/").newBuilder().addPathSegment(name).build().encodedPath().substring(1);
  }

  private static DataFileException unreachable(String what, String url, IOException e) {
    return new DataFileException("cannot reach the storage element to " + what + " (" + url + "): " + e.getMessage()
        + "; check that it runs and that taskwire.data.url names its HTTP door");
  }

  /**
   * Uploads a file the call wrote, its adler32 computed as it streams (one read of the file),
   * checks the size the element holds, and removes the local copy.
   */
  static DataFile upload(Path local, String name, String url) {
    long size;
    try {
      size = Files.size(local);
    } catch (IOException e) {
      throw new DataFileException("cannot read data file " + name + " at " + local + ": " + e.getMessage());
    }
    Adler32 adler = new Adler32();
    RequestBody body = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public long contentLength() {
        return size;
      }

      @Override
      public void writeTo(okio.BufferedSink sink) throws IOException {
        adler.reset();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(local)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            adler.update(buffer, 0, n);
            sink.write(buffer, 0, n);
          }
        }
      }
    };
    Request put = new Request.Builder().url(url).put(body).build();
    try (Response response = client().newCall(put).execute()) {
      if (!response.isSuccessful()) {
        throw new DataFileException("the storage element did not take data file " + name + ": PUT " + url
            + " answered HTTP " + response.code());
      }
    } catch (IOException e) {
      throw unreachable("keep data file " + name, url, e);
    }
    String adler32 = Adler32s.hex(adler.getValue());
    // The size, not the element's adler32: XRootD 5.5's XrdHttp, asked for a digest within a few
    // milliseconds of taking a file, hangs or crashes (seen here in one upload of some hundreds).
    // The adler32 is checked by every reader as the bytes arrive, and on resume (checkHeld).
    Held held = head(url, "check data file " + name, false);
    if (!held.found()) {
      throw new DataFileException("the storage element does not show data file " + name + " it just took: HEAD "
          + url + " answered HTTP " + held.code());
    }
    if (held.length() != null && Long.parseLong(held.length().strip()) != size) {
      throw new DataFileException("the storage element holds data file " + name + " at " + url + " with "
          + held.length().strip() + " bytes, but the call wrote " + size);
    }
    try {
      Files.deleteIfExists(local);
    } catch (IOException e) {
      // The scratch copy stays until the call's directory is removed.
    }
    return new DataFile(name, size, adler32, url);
  }

  /**
   * What the element says of a file, in one {@code HEAD} (with {@code Want-Digest: adler32} when
   * asked): its answer's code, its {@code Content-Length} and its adler32 (null when it gives none).
   */
  private record Held(int code, String length, String adler32) {
    boolean found() {
      return code >= 200 && code < 300;
    }
  }

  private static Held head(String url, String what, boolean withDigest) {
    Request.Builder b = new Request.Builder().url(url).head();
    Request head = (withDigest ? b.header("Want-Digest", "adler32") : b).build();
    try (Response response = client().newCall(head).execute()) {
      String adler32 = null;
      for (String digest : response.headers("Digest")) {
        for (String part : digest.split(",")) {
          String p = part.strip();
          if (adler32 == null && p.regionMatches(true, 0, "adler32=", 0, 8)) {
            String hex = p.substring(8).toLowerCase(java.util.Locale.ROOT);
            adler32 = "0".repeat(Math.max(0, 8 - hex.length())) + hex;
          }
        }
      }
      return new Held(response.code(), response.header("Content-Length"), adler32);
    } catch (IOException e) {
      throw unreachable(what, url, e);
    }
  }

  /**
   * Checks that the element still holds a kept file, with its size and (when the element gives one)
   * its adler32, without fetching it.
   *
   * @throws DataFileException saying what differs, or that the element does not answer
   */
  static void checkHeld(DataFile file) {
    Held held = head(file.uri(), "check data file " + file.name(), true);
    if (held.code() == 404) {
      throw new DataFileException("data file " + file.name() + " is no longer at " + file.uri());
    }
    if (!held.found()) {
      throw new DataFileException("data file " + file.name() + ": HEAD " + file.uri() + " answered HTTP " + held.code());
    }
    if (held.length() != null && Long.parseLong(held.length().strip()) != file.size()) {
      throw new DataFileException("data file " + file.name() + " at " + file.uri() + " is " + held.length().strip()
          + " bytes, not the " + file.size() + " its call recorded");
    }
    if (held.adler32() != null && !held.adler32().equals(file.adler32())) {
      throw new DataFileException("data file " + file.name() + " at " + file.uri() + " has adler32 " + held.adler32()
          + ", not the " + file.adler32() + " its call recorded");
    }
  }

  /**
   * Downloads an input file to {@code target}, checking size and adler32 as it comes; a replica
   * that differs is fetched once more, then the call fails naming the file, the replica and both
   * checksums.
   */
  static void download(DataFile file, Path target) {
    String found = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      found = fetch(file, target);
      if (found == null) {
        return;
      }
    }
    throw new DataFileException("input data file " + file.name() + ": the replica at " + file.uri() + " has " + found
        + "; its call recorded " + file.size() + " bytes, adler32 " + file.adler32() + " (fetched twice)");
  }

  /** Fetches once; null when size and checksum agree, else what was found. */
  private static String fetch(DataFile file, Path target) {
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new DataFileException("cannot make the directory input data file " + file.name() + " is fetched into ("
          + target.getParent() + "): " + e);
    }
    Request get = new Request.Builder().url(file.uri()).get().build();
    try (Response response = client().newCall(get).execute()) {
      if (response.code() == 404) {
        throw new DataFileException("input data file " + file.name() + " is not at " + file.uri()
            + ": it was removed after its call wrote it");
      }
      if (!response.isSuccessful()) {
        throw new DataFileException("input data file " + file.name() + ": GET " + file.uri() + " answered HTTP "
            + response.code());
      }
      Adler32 adler = new Adler32();
      long size = 0;
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = response.body().byteStream(); OutputStream out = Files.newOutputStream(target)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          adler.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
        }
      }
      String adler32 = Adler32s.hex(adler.getValue());
      return size == file.size() && adler32.equals(file.adler32()) ? null : size + " bytes, adler32 " + adler32;
    } catch (IOException e) {
      throw unreachable("fetch input data file " + file.name(), file.uri(), e);
    }
  }
}
