package org.taskwire.internal.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a sandbox holds, stored in it as {@value #NAME}: the class path in order (paths inside the
 * sandbox), the SHA-256 of every file, the Java version that built it and the main class to run.
 *
 * <p>Written and read with Jackson's streaming API: every job reads it first thing, and a fresh
 * JVM pays hundreds of milliseconds for databind. The files are written in key order, so the same
 * class path always gives the same bytes (and so the same sandbox hash).
 */
public record SandboxManifest(int version, String javaVersion, String main, List<String> classpath,
    Map<String, String> files) {
  /** The manifest's path inside the tarball. */
  public static final String NAME = "taskwire-manifest.json";
  /** The class the worker runs. */
  public static final String WRAPPER_MAIN = "org.taskwire.wrapper.RemoteWrapper";

  private static final JsonFactory FACTORY = new JsonFactory();

  /** The manifest's JSON, the same bytes for the same content. */
  public byte[] toJson() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("version", version);
      g.writeStringField("javaVersion", javaVersion);
      g.writeStringField("main", main);
      g.writeFieldName("classpath");
      if (classpath == null) {
        g.writeNull();
      } else {
        g.writeStartArray();
        for (String entry : classpath) {
          g.writeString(entry);
        }
        g.writeEndArray();
      }
      g.writeFieldName("files");
      if (files == null) {
        g.writeNull();
      } else {
        g.writeStartObject();
        for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * Reads a manifest; fields it does not know are skipped, so an older worker reads a newer
   * manifest as long as its {@code version} is one it knows.
   *
   * @throws IOException if it is not such a JSON object
   */
  public static SandboxManifest parse(byte[] json) throws IOException {
    int version = 0;
    String javaVersion = null;
    String main = null;
    List<String> classpath = null;
    Map<String, String> files = null;
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the sandbox manifest is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "version" -> version = p.getIntValue();
          case "javaVersion" -> javaVersion = t == JsonToken.VALUE_NULL ? null : p.getText();
          case "main" -> main = t == JsonToken.VALUE_NULL ? null : p.getText();
          case "classpath" -> {
            if (t == JsonToken.START_ARRAY) {
              classpath = new ArrayList<>();
              while (p.nextToken() != JsonToken.END_ARRAY) {
                classpath.add(p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText());
              }
            }
          }
          case "files" -> {
            if (t == JsonToken.START_OBJECT) {
              files = new LinkedHashMap<>();
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String file = p.currentName();
                p.nextToken();
                files.put(file, p.getText());
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    return new SandboxManifest(version, javaVersion, main, classpath, files);
  }
}
