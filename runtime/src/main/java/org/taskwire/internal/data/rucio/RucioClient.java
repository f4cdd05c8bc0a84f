package org.taskwire.internal.data.rucio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.taskwire.internal.net.Http;
import org.taskwire.internal.net.Pem;

/**
 * Rucio's REST API as Taskwire uses it, on the run's one HTTP client: a token from
 * {@code /auth/userpass} or {@code /auth/x509} (renewed when the server refuses it) or a token the
 * user already holds (an OIDC access token, as PanDA passes one), datasets with a rule, files attached with their replicas
 * in one request ({@code /dids/attachments}, as PanDA's server registers a job's outputs), lists read
 * as the server streams them, and closing. Every failure names the request, the server's answer and
 * what to check.
 */
public final class RucioClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  /** How Taskwire proves who it is to Rucio. */
  public sealed interface Auth {
    /** A user name and password, exchanged for a token at {@code /auth/userpass}. */
    record UserPass(String username, String password) implements Auth {
      @Override
      public String toString() {
        return "userpass as " + username;
      }
    }

    /** A token read from a file each time one is needed (an OIDC access token, refreshed by whoever writes it). */
    record TokenFile(Path file) implements Auth {}

    /**
     * An X.509 certificate, exchanged for a token at {@code /auth/x509} as Rucio's client does.
     *
     * @param certificate PEM certificate (chain), or a grid proxy holding its key too
     * @param key its PEM private key, or null when it is in {@code certificate}
     */
    record X509(Path certificate, Path key) implements Auth {
      @Override
      public String toString() {
        return "x509 with " + certificate;
      }
    }
  }

  /** A file in a collection, as {@code /dids/<scope>/<name>/files} lists it. */
  public record FileEntry(String scope, String name, long bytes, String adler32) {}

  /** A file and its physical names, as {@code /replicas/list} gives them. */
  public record Replica(String scope, String name, long bytes, String adler32, List<String> pfns) {}

  /** A file to register: its name in the scope, size and adler32. */
  public record NewFile(String name, long bytes, String adler32) {}

  private final URI host;
  private final String account;
  private final Auth auth;
  private final OkHttpClient http;
  private volatile String token;

  public RucioClient(URI host, String account, Auth auth) {
    this(host, account, auth, null);
  }

  /**
   * @param trusted a PEM file or directory of the authorities to trust for Rucio's https, instead
   *     of the JDK's (Rucio's {@code ca_cert}); null for the JDK's
   * @throws IllegalArgumentException when the certificate, key or authorities cannot be read
   */
  public RucioClient(URI host, String account, Auth auth, Path trusted) {
    this.host = URI.create(host.toString().endsWith("/") ? host.toString() : host + "/");
    this.account = account;
    this.auth = auth;
    OkHttpClient.Builder b = Http.shared().newBuilder().connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(120)).followRedirects(true);
    if (auth instanceof Auth.X509 || trusted != null) {
      Pem.Tls tls = auth instanceof Auth.X509 x ? Pem.tls(x.certificate(), x.key(), trusted) : Pem.tls(null, null, trusted);
      b.sslSocketFactory(tls.context().getSocketFactory(), tls.trust());
    }
    this.http = b.build();
  }

  public URI host() {
    return host;
  }

  public String account() {
    return account;
  }

  /** The account the credentials stand for ({@code /accounts/whoami}); proves the server answers and takes them. */
  public String whoami() {
    return send("GET", "accounts/whoami", null, null).path("account").asText();
  }

  /**
   * The first door of a storage element that Taskwire's WebDAV client can write through
   * ({@code https}, {@code davs} as https, or {@code http}), as a URL ending in {@code /}.
   */
  public String webDavDoor(String rse) {
    JsonNode info = send("GET", "rses/" + enc(rse), null, null);
    if (!info.path("deterministic").asBoolean(true)) {
      throw new RucioException("RSE " + rse + " is not deterministic; Taskwire keeps files on deterministic storage "
          + "elements, where Rucio's names say where a file is");
    }
    List<JsonNode> doors = new ArrayList<>();
    info.path("protocols").forEach(doors::add);
    doors.sort(java.util.Comparator.comparingInt(p -> p.path("domains").path("wan").path("write").asInt(Integer.MAX_VALUE)));
    for (JsonNode p : doors) {
      String scheme = p.path("scheme").asText();
      if (scheme.equals("https") || scheme.equals("davs") || scheme.equals("http")) {
        String prefix = p.path("prefix").asText();
        prefix = (prefix.startsWith("/") ? "" : "/") + prefix + (prefix.endsWith("/") ? "" : "/");
        return (scheme.equals("http") ? "http" : "https") + "://" + p.path("hostname").asText() + ":"
            + p.path("port").asInt() + prefix;
      }
    }
    throw new RucioException("RSE " + rse + " has no https, davs or http door (it lists "
        + doors.stream().map(p -> p.path("scheme").asText()).toList() + "); Taskwire writes files over WebDAV");
  }

  /** Creates a dataset with a rule keeping it on {@code rse}; false when it exists already. */
  public boolean addDataset(String scope, String name, String rse) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("account", account);
    rule.put("copies", 1);
    rule.put("rse_expression", rse);
    rule.put("grouping", "DATASET");
    rule.put("lifetime", null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "DATASET");
    body.put("rules", List.of(rule));
    try {
      send("POST", "dids/" + enc(scope) + "/" + enc(name), body, null);
      return true;
    } catch (RucioException e) {
      if ("DataIdentifierAlreadyExists".equals(e.exceptionClass())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Registers files with their replicas on {@code rse} and attaches them to their datasets, in one
   * request; files attached before are left as they are, so a repeated registration changes nothing.
   *
   * @param files dataset name to the files it gets
   */
  public void attach(String scope, String rse, Map<String, List<NewFile>> files) {
    List<Object> attachments = new ArrayList<>();
    files.forEach((dataset, list) -> {
      List<Object> dids = new ArrayList<>();
      for (NewFile f : list) {
        dids.add(Map.of("scope", scope, "name", f.name(), "bytes", f.bytes(), "adler32", f.adler32()));
      }
      attachments.add(Map.of("scope", scope, "name", dataset, "rse", rse, "dids", dids));
    });
    send("POST", "dids/attachments", Map.of("ignore_duplicate", true, "attachments", attachments), null);
  }

  /** Closes a collection: it takes no more files. */
  public void close(String scope, String name) {
    send("PUT", "dids/" + enc(scope) + "/" + enc(name) + "/status", Map.of("open", false), null);
  }

  /** Whether a collection is open, from its metadata. */
  public boolean isOpen(String scope, String name) {
    return send("GET", "dids/" + enc(scope) + "/" + enc(name) + "/meta", null, null).path("is_open").asBoolean();
  }

  /** The files of a collection. */
  public List<FileEntry> files(String scope, String name) {
    List<FileEntry> out = new ArrayList<>();
    for (JsonNode f : stream("GET", "dids/" + enc(scope) + "/" + enc(name) + "/files", null)) {
      out.add(new FileEntry(f.path("scope").asText(), f.path("name").asText(), f.path("bytes").asLong(),
          f.path("adler32").asText(null)));
    }
    return out;
  }

  /** The replicas of a collection's files reachable through the given schemes, available ones only. */
  public List<Replica> replicas(String scope, String name, List<String> schemes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dids", List.of(Map.of("scope", scope, "name", name)));
    body.put("schemes", schemes);
    body.put("all_states", false);
    List<Replica> out = new ArrayList<>();
    for (JsonNode f : stream("POST", "replicas/list", body)) {
      List<String> pfns = new ArrayList<>();
      f.path("pfns").fieldNames().forEachRemaining(pfns::add);
      out.add(new Replica(f.path("scope").asText(), f.path("name").asText(), f.path("bytes").asLong(),
          f.path("adler32").asText(null), pfns));
    }
    return out;
  }

  /** Asks for {@code copies} copies of a DID on {@code rseExpression}; the rule's id. */
  public String addRule(String scope, String name, String rseExpression, int copies) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dids", List.of(Map.of("scope", scope, "name", name)));
    body.put("account", account);
    body.put("copies", copies);
    body.put("rse_expression", rseExpression);
    body.put("grouping", "DATASET");
    return send("POST", "rules/", body, null).path(0).asText();
  }

  // ---- transport ----

  private List<JsonNode> stream(String method, String path, Object body) {
    List<JsonNode> out = new ArrayList<>();
    send(method, path, body, text -> {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          try {
            out.add(JSON.readTree(line));
          } catch (IOException e) {
            throw new RucioException("Rucio at " + host + " answered " + method + " /" + path + " with a line that is "
                + "no JSON: " + abbreviate(line));
          }
        }
      }
    });
    return out;
  }

  private JsonNode send(String method, String path, Object body, java.util.function.Consumer<String> lines) {
    for (int round = 0; ; round++) {
      String t = token(round > 0);
      Request.Builder r = new Request.Builder().url(host.resolve(path).toString())
          .header("X-Rucio-Auth-Token", t).header("X-Rucio-Account", account)
          .header("X-Rucio-Script", "taskwire").header("Accept", "application/x-json-stream, application/json");
      try {
        r.method(method, body == null ? (method.equals("GET") ? null : RequestBody.create(new byte[0], JSON_TYPE))
            : RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      try (Response response = http.newCall(r.build()).execute()) {
        String text = response.body().string();
        if (response.code() == 401 && round == 0 && !(auth instanceof Auth.TokenFile)) {
          continue; // the token expired: get a new one, once
        }
        if (!response.isSuccessful()) {
          throw refused(method + " /" + path, response, text);
        }
        if (lines != null) {
          lines.accept(text);
          return null;
        }
        // Creations answer 201 with the text "Created"; lists and objects answer JSON.
        MediaType type = response.body().contentType();
        boolean json = type != null && (type.subtype().contains("json"));
        return text.isBlank() || !json ? JSON.getNodeFactory().textNode(text) : JSON.readTree(text);
      } catch (IOException e) {
        throw new RucioException("cannot reach Rucio at " + host + " (" + method + " /" + path + "): " + e.getMessage()
            + unreachableAdvice(e));
      }
    }
  }

  private String token(boolean renew) {
    if (auth instanceof Auth.TokenFile file) {
      try {
        return Files.readString(file.file()).strip();
      } catch (IOException e) {
        throw new RucioException("cannot read the Rucio token in " + file.file() + " (taskwire.rucio.token-file): "
            + e.getMessage());
      }
    }
    String t = token;
    if (t != null && !renew) {
      return t;
    }
    Request.Builder r = new Request.Builder().header("X-Rucio-Account", account).header("X-Rucio-AppID", "taskwire");
    String as;
    if (auth instanceof Auth.UserPass up) {
      r.url(host.resolve("auth/userpass").toString()).header("X-Rucio-Username", up.username())
          .header("X-Rucio-Password", up.password());
      as = "authentication as " + up.username() + " for account " + account + " (GET /auth/userpass)";
    } else {
      r.url(host.resolve("auth/x509").toString());
      as = "authentication with the certificate in " + ((Auth.X509) auth).certificate() + " for account " + account
          + " (GET /auth/x509)";
    }
    try (Response response = http.newCall(r.build()).execute()) {
      String text = response.body().string();
      if (!response.isSuccessful() || response.header("X-Rucio-Auth-Token") == null) {
        throw refused(as, response, text);
      }
      token = response.header("X-Rucio-Auth-Token");
      return token;
    } catch (IOException e) {
      throw new RucioException("cannot reach Rucio at " + host + " to authenticate: " + e.getMessage()
          + unreachableAdvice(e));
    }
  }

  private static String unreachableAdvice(IOException e) {
    if (e instanceof javax.net.ssl.SSLException) {
      return "; the TLS handshake failed: check that taskwire.rucio.ca-certs holds the authority that signed Rucio's "
          + "certificate, and that the client certificate (taskwire.rucio.client-cert) is valid and its authority one "
          + "Rucio trusts";
    }
    return "; check that it runs and that taskwire.rucio.url names it";
  }

  private RucioException refused(String what, Response response, String text) {
    String exceptionClass = response.header("ExceptionClass");
    String message = response.header("ExceptionMessage");
    try {
      JsonNode error = JSON.readTree(text);
      if (error != null && error.has("ExceptionClass")) {
        exceptionClass = error.path("ExceptionClass").asText();
        message = error.path("ExceptionMessage").asText();
      }
    } catch (IOException e) {
      // not Rucio's JSON error: the status and text say what there is
    }
    String advice = response.code() != 401 ? ""
        : auth instanceof Auth.X509 ? "; check that taskwire.rucio.client-cert is valid, signed by an authority Rucio "
            + "trusts (else the server sees no certificate: 'Cannot get DN'), and its subject an identity of "
            + "taskwire.rucio.account"
        : "; check taskwire.rucio.account and the credentials";
    return new RucioException("Rucio at " + host + " refused " + what + ": " + response.code()
        + (exceptionClass == null ? "" : " " + exceptionClass) + " " + (message != null ? message : abbreviate(text))
        + advice, exceptionClass);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
