package org.taskwire.testing.panda;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.taskwire.internal.data.RucioNames;
import org.taskwire.internal.data.rucio.RucioClient;
import org.taskwire.internal.data.rucio.RucioException;

/**
 * The emulated server's DDM side, on a Rucio (the emulator's, or any): JEDI reads a task's input
 * datasets from it, the server creates output datasets, registers each finished job's outputs with
 * their replicas in one request ({@code /dids/attachments}, as its Adder does) and closes them when
 * the task ends; the pilot reads and writes the files themselves through the storage element's
 * WebDAV door, at Rucio's deterministic paths. Scopes are taken from dataset names as JEDI's
 * {@code extract_scope} does: the first two fields for {@code user.*} and {@code group.*}, else the first.
 */
final class Ddm {
  private final RucioClient rucio;
  private final String rse;
  private final String door;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Ddm(PandaEmulator.RucioSettings settings) {
    this.rucio = new RucioClient(settings.url(), settings.account(),
        new RucioClient.Auth.UserPass(settings.account(), settings.password()));
    this.rse = settings.rse();
    this.door = rucio.webDavDoor(rse);
  }

  /** A dataset's or file's scope, from its name. */
  static String scope(String name) {
    String[] parts = name.split("\\.");
    return (name.startsWith("user.") || name.startsWith("group.")) && parts.length > 2
        ? parts[0] + "." + parts[1] : parts[0];
  }

  /** A dataset name as task parameters give it: a container's trailing slash and a {@code scope:} prefix dropped. */
  static String plain(String dataset) {
    String d = dataset.endsWith("/") ? dataset.substring(0, dataset.length() - 1) : dataset;
    return d.contains(":") ? d.substring(d.indexOf(':') + 1) : d;
  }

  /** The LFNs of a dataset's files; an unknown dataset is JEDI's UnknownDatasetError. */
  List<String> files(String dataset) {
    return rucio.files(scope(dataset), dataset).stream().map(RucioClient.FileEntry::name).toList();
  }

  boolean isOpen(String dataset) {
    return rucio.isOpen(scope(dataset), dataset);
  }

  void createOutput(String dataset) {
    rucio.addDataset(scope(dataset), dataset, rse);
  }

  void close(String dataset) {
    try {
      rucio.close(scope(dataset), dataset);
    } catch (RucioException e) {
      if (!"UnsupportedStatus".equals(e.exceptionClass())) {
        throw e;
      }
    }
  }

  /** Stage-in: a file of {@code dataset} into {@code target}, checked against Rucio's adler32. */
  void download(String dataset, String lfn, Path target) throws IOException, InterruptedException {
    String scope = scope(dataset);
    RucioClient.Replica replica = rucio.replicas(scope, lfn, List.of("https", "davs", "http")).stream().findFirst()
        .orElseThrow(() -> new IOException("no replica of " + scope + ":" + lfn));
    if (replica.pfns().isEmpty()) {
      throw new IOException("no replica of " + scope + ":" + lfn + " over http(s)");
    }
    String pfn = replica.pfns().get(0);
    HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(pfn)).build(), HttpResponse.BodyHandlers.ofFile(target));
    if (r.statusCode() != 200) {
      throw new IOException(pfn + " answered " + r.statusCode());
    }
    String got = adler32(target);
    if (!got.equals(replica.adler32())) {
      throw new IOException("checksum mismatch for " + lfn + ": local " + got + ", Rucio " + replica.adler32());
    }
  }

  /** Stage-out: a job's output to the storage element, then registered in its dataset. */
  void upload(String dataset, String lfn, Path file) throws IOException, InterruptedException {
    String scope = scope(dataset);
    String url = door + RucioNames.hashPath(scope, lfn);
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofFile(file))
        .build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("the storage element answered " + r.statusCode() + " to PUT " + url);
    }
    rucio.attach(scope, rse, Map.of(dataset, List.of(new RucioClient.NewFile(lfn, Files.size(file), adler32(file)))));
  }

  static String adler32(Path file) throws IOException {
    Adler32 a = new Adler32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        a.update(buffer, 0, n);
      }
    }
    return String.format("%08x", a.getValue());
  }
}
