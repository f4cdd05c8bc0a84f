package org.taskwire.internal.sandbox;

import java.util.List;
import java.util.Map;

/**
 * What a sandbox holds, stored in it as {@value #NAME}: the class path in order (paths inside the
 * sandbox), the SHA-256 of every file, the Java version that built it and the main class to run.
 */
public record SandboxManifest(int version, String javaVersion, String main, List<String> classpath,
    Map<String, String> files) {
  /** The manifest's path inside the tarball. */
  public static final String NAME = "taskwire-manifest.json";
  /** The class the worker runs. */
  public static final String WRAPPER_MAIN = "org.taskwire.wrapper.RemoteWrapper";
}
