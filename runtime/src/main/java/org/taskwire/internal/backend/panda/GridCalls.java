package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How the calls of one grid task reach its jobs. Every call is one pseudo file of the task
 * ({@code pfnList}); its name, {@code c<callId>[.<arguments>]}, carries the encoded arguments
 * (base64url) when they are small. Larger arguments go to one per-task calls file in the server's
 * cache, a gzip JSON object from call id to base64 arguments, which the job downloads.
 *
 * <p>JEDI names a pseudo file {@code <6-digit index>:<name>} and keeps LFNs to 256 characters, so
 * a name stays at most {@value #MAX_NAME} characters; it never holds {@code /} or {@code ^}, which
 * JEDI would read as a path or an event count.
 */
public final class GridCalls {
  /** The longest pseudo-file name. */
  public static final int MAX_NAME = 240;
  /** Databind, for the calls file only; a holder, so that a job whose call is inline in its name never loads it. */
  private static final class Databind {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private GridCalls() {}

  /** The pseudo-file name of a call: inline arguments when they fit. */
  public static String name(long callId, byte[] arguments) {
    String plain = "c" + callId;
    String inline = plain + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(arguments);
    return inline.length() <= MAX_NAME ? inline : plain;
  }

  /**
   * {@code c<callId>[.<base64url arguments>]}, nothing else. A work without parameters has empty
   * arguments, {@code c7.}; {@code c7} alone means the arguments are in the calls file.
   */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("c(0|[1-9][0-9]{0,17})(?:\\.([A-Za-z0-9_-]*))?");

  private static java.util.regex.Matcher parse(String name) {
    java.util.regex.Matcher m = NAME.matcher(name.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a Taskwire call name: expected c<callId>[.<arguments>] "
          + "with a non-negative decimal call id and base64url arguments");
    }
    return m;
  }

  /** The call id in a pseudo-file name. */
  public static long callId(String name) {
    return Long.parseLong(parse(name).group(1));
  }

  /** The arguments inlined in a pseudo-file name, if any. */
  public static Optional<byte[]> inlineArguments(String name) {
    String inline = parse(name).group(2);
    return inline == null ? Optional.empty() : Optional.of(Base64.getUrlDecoder().decode(inline));
  }

  /** The calls file of a task: gzip JSON, call id to base64 arguments. */
  public static byte[] callsFile(Map<Long, byte[]> arguments) {
    ObjectNode root = Databind.MAPPER.createObjectNode();
    arguments.forEach((id, args) -> root.put(Long.toString(id), Base64.getEncoder().encodeToString(args)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      Databind.MAPPER.writeValue(gzip, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One call's arguments from a calls file. */
  public static byte[] fromCallsFile(byte[] gzipped, long callId) throws IOException {
    JsonNode root;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      root = Databind.MAPPER.readTree(in);
    }
    JsonNode args = root == null ? null : root.get(Long.toString(callId));
    if (args == null || !args.isTextual()) {
      throw new IOException("the calls file holds no call " + callId);
    }
    return Base64.getDecoder().decode(args.asText());
  }
}
