package org.taskwire.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;

/** Where a workflow's classes were loaded from, as workers and sandboxes need it. */
class WorkflowClassPathTest {
  @TempDir Path dir;

  @Test
  void aUrlClassLoaderAsMavenExecJavaUsesGivesItsOwnEntriesNotJavaClassPath() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("user/classes"));
    Path lib = Files.createFile(dir.resolve("lib.jar"));
    // exec:java's loader: a URLClassLoader over the project's runtime class path, child of the platform loader.
    try (URLClassLoader exec = new URLClassLoader(new URL[] {classes.toUri().toURL(), lib.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      assertThat(WorkflowClassPath.of(exec, "demo.Flow")).containsExactly(classes, lib);
    }
  }

  @Test
  void aManifestOnlyJarIsFollowedToTheEntriesItNames() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a/classes"));
    Path b = Files.createFile(dir.resolve("b.jar"));
    Path booter = dir.resolve("booter/booter.jar");
    Files.createDirectories(booter.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "../a/classes/ ../b.jar ../missing.jar");
    try (OutputStream out = Files.newOutputStream(booter); JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {booter.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      assertThat(WorkflowClassPath.of(loader, "demo.Flow")).containsExactly(booter, a, b);
    }
  }

  @Test
  void aLoaderWhoseClassPathCannotBeReadFailsAtOnceWithAdvice() {
    ClassLoader opaque = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};
    assertThatThrownBy(() -> WorkflowClassPath.of(opaque, "demo.Flow"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot tell which class path demo.Flow was loaded from")
        .hasMessageContaining("taskwire.local.classpath")
        .hasMessageContaining("dependency:build-classpath");
  }

  @Test
  void theApplicationLoaderGivesJavaClassPathAbsolute() {
    assertThat(WorkflowClassPath.of(ClassLoader.getSystemClassLoader(), "demo.Flow"))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.isAbsolute()).isTrue());
  }
}
