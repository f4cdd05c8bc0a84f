package org.taskwire.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
  @TempDir Path dir;
  private Path classes;
  private Path jar;
  private String classpath;

  @BeforeEach
  void classpath() throws IOException {
    classes = Files.createDirectories(dir.resolve("app/classes"));
    Files.createDirectories(classes.resolve("org/demo"));
    Files.writeString(classes.resolve("org/demo/A.class"), "class A v1");
    Files.writeString(classes.resolve("org/demo/B.class"), "class B");
    Files.createDirectories(classes.resolve("data"));
    Files.writeString(classes.resolve("data/big.root"), "x".repeat(10_000));
    Files.writeString(classes.resolve("org/demo/hits.root"), "y".repeat(5_000));
    jar = dir.resolve("app/lib.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("lib/L.class"));
      out.write("library".getBytes());
      out.closeEntry();
    }
    classpath = classes + File.pathSeparator + jar;
  }

  private SandboxBuilder builder(String cache) {
    return SandboxBuilder.forClasspath(classpath).cacheDirectory(dir.resolve(cache));
  }

  @Test
  void sameInputGivesTheSameBytes() throws IOException {
    Sandbox a = builder("cache-a").build();
    Sandbox b = builder("cache-b").build();
    assertThat(a.hash()).isEqualTo(b.hash()).hasSize(64);
    assertThat(a.file().getFileName().toString()).isEqualTo("sources." + a.hash() + ".tar.gz");
    assertThat(Files.readAllBytes(a.file())).isEqualTo(Files.readAllBytes(b.file()));
    assertThat(FileHashes.sha256(a.file())).isEqualTo(a.hash());
  }

  @Test
  void unchangedClasspathIsRecheckedFromTheCacheAndAChangeRehashesOnlyThatFile() throws IOException {
    SandboxBuilder first = builder("cache");
    Sandbox one = first.build();
    assertThat(first.lastComputedHashes()).isEqualTo(5);

    SandboxBuilder again = builder("cache");
    assertThat(again.build()).isEqualTo(one);
    assertThat(again.lastComputedHashes()).as("nothing read again").isZero();

    Files.writeString(classes.resolve("org/demo/A.class"), "class A v2");
    Files.setLastModifiedTime(classes.resolve("org/demo/A.class"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
    SandboxBuilder changed = builder("cache");
    Sandbox two = changed.build();
    assertThat(two.hash()).isNotEqualTo(one.hash());
    assertThat(changed.lastComputedHashes()).as("only the changed class").isEqualTo(1);
  }

  @Test
  void excludesAndExtraFiles() throws IOException {
    Path setup = Files.writeString(dir.resolve("setup.sh"), "echo hi");
    Path inputs = Files.createDirectories(dir.resolve("inputs"));
    Files.writeString(inputs.resolve("points.csv"), "0.1,0.2");
    Sandbox s = builder("cache").exclude("**/*.root").exclude("data/**").extra(setup).extra(inputs).build();
    SandboxStore.Opened opened = new SandboxStore(dir.resolve("node")).open(s.file().toString());
    assertThat(opened.manifest().files().keySet())
        .contains("classpath/0-classes/org/demo/A.class", "classpath/1-lib.jar", "extra/setup.sh",
            "extra/inputs/points.csv")
        .noneMatch(p -> p.endsWith(".root"));
    assertThat(opened.manifest().classpath()).containsExactly("classpath/0-classes", "classpath/1-lib.jar");
    assertThat(opened.classpath().get(0).resolve("org/demo/A.class")).hasContent("class A v1");
    assertThat(opened.directory().resolve("extra/setup.sh")).hasContent("echo hi");
    assertThat(opened.manifest().main()).isEqualTo("org.taskwire.wrapper.RemoteWrapper");
    assertThatThrownBy(() -> builder("cache").extra(dir.resolve("missing"))).hasMessageContaining("does not exist");
  }

  @Test
  void sizeLimitNamesTheLargestEntries() {
    assertThatThrownBy(() -> builder("cache").maxBytes(100).build())
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("above the limit")
        .hasMessageContaining("excludes")
        .hasMessageContaining("big.root");
  }

  private Path craft(String entryName, boolean link) throws IOException {
    Path tmp = dir.resolve("crafted.tar.gz");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(tmp)))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      if (link) {
        TarArchiveEntry e = new TarArchiveEntry(entryName, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName("/etc/passwd");
        tar.putArchiveEntry(e);
      } else {
        TarArchiveEntry e = new TarArchiveEntry(entryName, true);
        e.setSize(4);
        tar.putArchiveEntry(e);
        tar.write("evil".getBytes());
      }
      tar.closeArchiveEntry();
    }
    Path named = dir.resolve(Sandbox.fileName(FileHashes.sha256(tmp)));
    Files.move(tmp, named);
    return named;
  }

  @Test
  void pathTraversalAbsolutePathsAndLinksAreRefused() throws IOException {
    SandboxStore store = new SandboxStore(dir.resolve("node"));
    for (Path evil : List.of(craft("../../escape.txt", false), craft("/tmp/absolute.txt", false),
        craft("classpath/link", true))) {
      assertThatThrownBy(() -> store.open(evil.toString()))
          .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.reason()).isEqualTo(SandboxException.Reason.UNSAFE))
          .hasMessageContaining(evil.toString());
      Files.delete(evil);
    }
    assertThat(dir.resolve("escape.txt")).doesNotExist();
  }

  @Test
  void tamperedAndTruncatedArchivesAreRefusedByHash() throws IOException {
    Sandbox s = builder("cache").build();
    byte[] bytes = Files.readAllBytes(s.file());
    Path tampered = Files.createDirectories(dir.resolve("t1")).resolve(s.file().getFileName());
    bytes[bytes.length / 2] ^= 1;
    Files.write(tampered, bytes);
    Path truncated = Files.createDirectories(dir.resolve("t2")).resolve(s.file().getFileName());
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(s.file()), bytes.length / 2));
    SandboxStore store = new SandboxStore(dir.resolve("node"));
    for (Path bad : List.of(tampered, truncated)) {
      assertThatThrownBy(() -> store.open(bad.toString()))
          .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.reason()).isEqualTo(SandboxException.Reason.CORRUPT))
          .hasMessageContaining(bad.toString()).hasMessageContaining("corrupt or truncated");
    }
    assertThatThrownBy(() -> store.open(dir.resolve("notasandbox.tar.gz").toString()))
        .hasMessageContaining("sources.<sha256>.tar.gz");
  }

  /** Bytes named after their own hash, so only their content can be wrong. */
  private Path namedByHash(String folder, byte[] content) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve(folder)).resolve("tmp");
    Files.write(tmp, content);
    return Files.move(tmp, tmp.resolveSibling(Sandbox.fileName(FileHashes.sha256(tmp))));
  }

  private Path tarball(String folder, java.util.Map<String, byte[]> entries) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
        new java.util.zip.GZIPOutputStream(bytes))) {
      tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (var e : entries.entrySet()) {
        var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return namedByHash(folder, bytes.toByteArray());
  }

  @Test
  void contentThatMatchesItsNameButIsNoSandboxIsCorruptNotUnavailable() throws IOException {
    Sandbox good = builder("cache").build();
    byte[] whole = Files.readAllBytes(good.file());
    SandboxStore store = new SandboxStore(dir.resolve("node"));
    java.util.Map<String, Path> bad = new java.util.LinkedHashMap<>();
    bad.put("not gzip", namedByHash("plain", "just text".getBytes()));
    bad.put("truncated", namedByHash("cut", java.util.Arrays.copyOf(whole, whole.length / 2)));
    bad.put("no manifest", tarball("nomanifest", java.util.Map.of("classpath/a.txt", "a".getBytes())));
    bad.put("bad manifest", tarball("badmanifest", java.util.Map.of(SandboxManifest.NAME, "{not json".getBytes())));
    bad.put("manifest naming what is not there", tarball("escape", java.util.Map.of(SandboxManifest.NAME,
        "{\"version\":1,\"classpath\":[\"../../etc\"],\"files\":{}}".getBytes())));
    bad.forEach((what, file) -> assertThatThrownBy(() -> store.open(file.toString()))
        .as(what)
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.reason()).isEqualTo(SandboxException.Reason.CORRUPT))
        .hasMessageContaining(what.equals("not gzip") || what.equals("truncated") ? "corrupt" : "manifest"));
  }

  @Test
  void aDecompressionBombIsRefusedBeforeItFillsTheDisk() throws IOException {
    // 600 MB of zeros compresses to well under 1 MB: past 100 times its size and the 256 MB floor.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
        new java.util.zip.GZIPOutputStream(bytes))) {
      tar.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
      var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("classpath/zeros.bin");
      long size = 600L << 20;
      entry.setSize(size);
      tar.putArchiveEntry(entry);
      byte[] zeros = new byte[1 << 20];
      for (long written = 0; written < size; written += zeros.length) {
        tar.write(zeros);
      }
      tar.closeArchiveEntry();
    }
    Path bomb = namedByHash("bomb", bytes.toByteArray());
    assertThat(Files.size(bomb)).isLessThan(2L << 20);
    SandboxStore store = new SandboxStore(dir.resolve("node"));
    assertThatThrownBy(() -> store.open(bomb.toString()))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.reason()).isEqualTo(SandboxException.Reason.UNSAFE))
        .hasMessageContaining("decompression bomb");
    try (var left = Files.walk(dir.resolve("node"))) {
      assertThat(left.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum())
          .as("nothing is left behind").isZero();
    }
  }

  @Test
  void workersExtractingTheSameSandboxAtOnceBothSucceed() throws Exception {
    Sandbox s = builder("cache").build();
    int jobs = 6;
    CyclicBarrier start = new CyclicBarrier(jobs);
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    List<Future<SandboxStore.Opened>> results = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      results.add(pool.submit(() -> {
        start.await();
        return new SandboxStore(dir.resolve("node")).open(s.file().toString());
      }));
    }
    for (Future<SandboxStore.Opened> r : results) {
      SandboxStore.Opened opened = r.get();
      assertThat(opened.directory()).isEqualTo(dir.resolve("node").resolve(s.hash()));
      assertThat(opened.classpath().get(0).resolve("org/demo/B.class")).hasContent("class B");
    }
    pool.shutdown();
    try (var leftovers = Files.list(dir.resolve("node"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly(s.hash());
    }
  }

  @Test
  void fetchesOverHttpLikeRunGen() throws IOException {
    Sandbox s = builder("cache").build();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/cache/", exchange -> {
      Path file = s.file().getParent().resolve(Path.of(exchange.getRequestURI().getPath()).getFileName());
      if (Files.exists(file)) {
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
          Files.copy(file, out);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/cache/";
      SandboxStore.Opened opened = new SandboxStore(dir.resolve("node")).open(base + s.file().getFileName());
      assertThat(opened.manifest().files()).containsKey("classpath/1-lib.jar");
      assertThatThrownBy(() -> new SandboxStore(dir.resolve("node")).open(base + Sandbox.fileName("0".repeat(64))))
          .isInstanceOfSatisfying(SandboxException.class,
              e -> assertThat(e.reason()).isEqualTo(SandboxException.Reason.UNAVAILABLE))
          .hasMessageContaining("HTTP 404");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void uploaderSendsIdenticalContentOnce() throws IOException {
    Sandbox s = builder("cache").build();
    List<String> remote = new ArrayList<>();
    SandboxUploader store = new SandboxUploader() {
      @Override public boolean holds(Sandbox s) { return remote.contains(s.hash()); }
      @Override public void upload(Sandbox sandbox) { remote.add(sandbox.hash()); }
    };
    assertThat(store.publish(s)).isTrue();
    assertThat(store.publish(builder("cache").build())).isFalse();
    assertThat(remote).containsExactly(s.hash());
  }
}
