package org.taskwire.testing.rucio;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Rucio server in one process, for tests and for trying Taskwire's datasets without a grid: the
 * REST routes that Rucio's own client ({@code rucio upload}, {@code download}, {@code list-files},
 * {@code ls}, {@code add-dataset}, {@code attach}, {@code close}, {@code add-rule}), the PanDA server
 * and Taskwire use, with the server's rules ({@code lib/rucio/web/rest/flaskapi/v1/} in
 * {@code rucio/rucio}): userpass and bearer tokens in {@code X-Rucio-Auth-Token}, errors as
 * {@code ExceptionClass}/{@code ExceptionMessage}, lists as {@code application/x-json-stream}, replicas
 * as Metalink when asked, deterministic paths by the {@code hash} algorithm. Files themselves live on
 * the storage elements it is given (an XRootD, a directory); the emulator keeps only the catalogue.
 */
public final class RucioEmulator implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DateTimeFormatter RUCIO_TIME =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, Object>>> OBJECTS = new TypeReference<>() {};

  /**
   * A storage element as Rucio knows it (an RSE): its name and the doors its files are reached at,
   * one protocol each, in order of preference, all onto the same namespace, e.g.
   * {@code root://127.0.0.1:11094//taskwire/rucio/} and {@code http://127.0.0.1:18080/taskwire/rucio/}.
   * {@code root} doors are served by Rucio's XRootD protocol ({@code xrdcp}, {@code xrdfs}),
   * {@code https} and {@code davs} by its WebDAV one, {@code file} by POSIX; a plain {@code http}
   * door is listed for clients that speak it (Taskwire) while Rucio's WebDAV protocol needs https.
   */
  public record StorageElement(String name, List<URI> doors, boolean deterministic) {
    public StorageElement {
      if (!name.matches("[A-Z0-9_-]+")) {
        throw new IllegalArgumentException("An RSE name is upper case letters, digits, '-' and '_': " + name);
      }
      if (doors.isEmpty()) {
        throw new IllegalArgumentException("RSE " + name + " has no door");
      }
      doors = List.copyOf(doors);
      doors.forEach(StorageElement::impl);
    }

    /** A deterministic element with these doors, the preferred first. */
    public static StorageElement at(String name, URI... doors) {
      return new StorageElement(name, List.of(doors), true);
    }

    static String impl(URI door) {
      return switch (door.getScheme()) {
        case "http", "https", "davs" -> "rucio.rse.protocols.webdav.Default";
        case "root" -> "rucio.rse.protocols.xrootd.Default";
        case "file" -> "rucio.rse.protocols.posix.Default";
        default -> throw new IllegalArgumentException("No Rucio protocol serves " + door);
      };
    }
  }

  /**
   * How the emulator runs.
   *
   * @param port the HTTP port; 0 picks a free one
   * @param passwords account to password, for {@code /auth/userpass} (the user name is the account)
   * @param tokens fixed tokens (e.g. an OIDC access token, as PanDA sends) to the account they stand for
   * @param rses the storage elements
   * @param tokenLifetime how long a token from {@code /auth/userpass} is valid
   * @param x509 https with X.509 client authentication instead of http, or null
   */
  public record Settings(int port, Map<String, String> passwords, Map<String, String> tokens,
      List<StorageElement> rses, Duration tokenLifetime, X509 x509) {

    /** Plain http. */
    public Settings(int port, Map<String, String> passwords, Map<String, String> tokens, List<StorageElement> rses,
        Duration tokenLifetime) {
      this(port, passwords, tokens, rses, tokenLifetime, null);
    }

    /** This emulator serving https, authenticating clients by their certificates at {@code /auth/x509}. */
    public Settings withX509(X509 x509) {
      return new Settings(port, passwords, tokens, rses, tokenLifetime, x509);
    }

    /** A free port, the account {@code taskwire} with password {@code secret}, and the given elements. */
    public static Settings defaults(StorageElement... rses) {
      return new Settings(0, Map.of("taskwire", "secret"), Map.of(), List.of(rses), Duration.ofHours(1));
    }

    public Settings withPort(int port) {
      return new Settings(port, passwords, tokens, rses, tokenLifetime, x509);
    }

    public Settings withTokens(Map<String, String> tokens) {
      return new Settings(port, passwords, Map.copyOf(tokens), rses, tokenLifetime, x509);
    }

    public Settings withTokenLifetime(Duration tokenLifetime) {
      return new Settings(port, passwords, tokens, rses, tokenLifetime, x509);
    }
  }

  /**
   * https with X.509 client authentication, as a Rucio server behind Apache's mod_ssl.
   *
   * @param certificate the server's PEM certificate (its names must include {@code 127.0.0.1})
   * @param key its PEM private key
   * @param clientAuthorities the PEM authorities client certificates must be signed by (a file or directory)
   * @param identities a client certificate's subject (RFC 2253, e.g. {@code CN=Alice,O=EIC}) to its account
   */
  public record X509(java.nio.file.Path certificate, java.nio.file.Path key, java.nio.file.Path clientAuthorities,
      Map<String, String> identities) {}

  private record Token(String account, Instant expires) {}

  private final Settings settings;
  private final Catalogue catalogue;
  private final Javalin app;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile java.util.function.Consumer<String> log;
  private volatile org.eclipse.jetty.server.ServerConnector tlsConnector;

  private RucioEmulator(Settings settings) {
    this.settings = settings;
    Map<String, StorageElement> rses = new LinkedHashMap<>();
    settings.rses().forEach(r -> rses.put(r.name(), r));
    this.catalogue = new Catalogue(rses);
    settings.passwords().keySet().forEach(a -> catalogue.addScope(a, "user." + a));
    if (settings.x509() != null) {
      settings.x509().identities().values().stream().distinct().filter(a -> !settings.passwords().containsKey(a))
          .forEach(a -> catalogue.addScope(a, "user." + a));
    }
    settings.tokens().forEach((t, a) -> tokens.put(t, new Token(a, Instant.MAX)));
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      if (settings.x509() != null) {
        config.jetty.addConnector((server, http) -> {
          X509 x = settings.x509();
          org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
          ssl.setSslContext(org.taskwire.internal.net.Pem.tls(x.certificate(), x.key(), x.clientAuthorities()).context());
          ssl.setWantClientAuth(true);
          org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration(http);
          // Puts the client's chain in the request, as mod_ssl's SSL_CLIENT_S_DN.
          https.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
          org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
              new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
              new org.eclipse.jetty.server.HttpConnectionFactory(https));
          connector.setHost("127.0.0.1");
          connector.setPort(settings.port());
          this.tlsConnector = connector;
          return connector;
        });
      }
    });
    app.exception(RucioError.class, (e, ctx) -> error(ctx, e.status, e.exceptionClass, e.getMessage()));
    app.exception(com.fasterxml.jackson.core.JacksonException.class,
        (e, ctx) -> error(ctx, 400, "ValueError", "cannot decode json parameter: " + e.getOriginalMessage()));
    app.exception(ClassCastException.class, (e, ctx) -> error(ctx, 400, "InvalidObject", "Provided object does not match schema"));
    app.before(this::authenticate);
    app.get("/ping", ctx -> ctx.json(Map.of("version", "41.0.0")));
    app.get("/auth/userpass", this::userpass);
    app.get("/auth/x509", this::x509);
    app.get("/auth/x509_proxy", this::x509);
    app.get("/auth/validate", ctx -> {
      Token t = tokens.get(ctx.header("X-Rucio-Auth-Token"));
      ctx.json(Map.of("account", t.account(), "lifetime", time(t.expires()), "identity", t.account()));
    });
    app.get("/accounts/whoami", ctx -> ctx.redirect("/accounts/" + account(ctx), io.javalin.http.HttpStatus.SEE_OTHER));
    app.get("/accounts/{account}", this::showAccount);
    app.get("/accounts/{account}/scopes", ctx -> ctx.json(catalogue.scopes(ctx.pathParam("account"))));
    app.get("/scopes", ctx -> ctx.json(catalogue.scopes(null)));
    app.get("/scopes/owner", ctx -> {
      synchronized (catalogue) {
        ctx.json(catalogue.scopes.entrySet().stream().map(e -> Map.of("scope", e.getKey(), "account", e.getValue())).toList());
      }
    });
    app.post("/scopes/{account}/{scope}", ctx -> {
      catalogue.addScope(ctx.pathParam("account"), ctx.pathParam("scope"));
      created(ctx);
    });
    app.get("/rses", this::listRses);
    app.get("/rses/{rse}", ctx -> ctx.json(rseInfo(catalogue.rse(ctx.pathParam("rse")))));
    app.get("/rses/{rse}/protocols", ctx -> ctx.json(rseInfo(catalogue.rse(ctx.pathParam("rse")))));
    app.get("/rses/{rse}/attr", ctx -> ctx.json(catalogue.attributes(ctx.pathParam("rse"))));
    app.post("/dids", this::addDids);
    app.post("/dids/attachments", this::attachments);
    app.get("/dids/*", ctx -> dids(ctx, "GET"));
    app.post("/dids/*", ctx -> dids(ctx, "POST"));
    app.put("/dids/*", ctx -> dids(ctx, "PUT"));
    app.post("/replicas", this::addReplicas);
    app.put("/replicas", this::updateReplicas);
    app.post("/replicas/list", this::listReplicas);
    app.get("/replicas/{scope}/{name}/datasets", this::datasetReplicas);
    app.post("/rules", this::addRule);
    app.get("/rules/{id}", ctx -> ctx.json(rule(catalogue.rule(ctx.pathParam("id")))));
    app.post("/traces", ctx -> created(ctx));
    // With https, the plain connector Javalin adds takes any free port and is not advertised.
    app.start("127.0.0.1", settings.x509() != null ? 0 : settings.port());
  }

  /** Starts an emulator. */
  public static RucioEmulator start(Settings settings) {
    return new RucioEmulator(settings);
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}: {@code rucio_host} and {@code auth_host}. */
  public URI url() {
    var tls = tlsConnector;
    return tls != null ? URI.create("https://127.0.0.1:" + tls.getLocalPort()) : URI.create("http://127.0.0.1:" + app.port());
  }

  /** Shows each request (method, path, query, {@code Accept}, body) to {@code log}; null stops. */
  public void logRequests(java.util.function.Consumer<String> log) {
    this.log = log;
  }

  /** How often a route was requested, as {@code METHOD /first/segment}, e.g. {@code POST /replicas}. */
  public int calls(String methodAndRoute) {
    return calls.getOrDefault(methodAndRoute, 0);
  }

  /** The names of a collection's files, in order of attachment. */
  public List<String> files(String scope, String name) {
    synchronized (catalogue) {
      return catalogue.files(catalogue.did(scope, name)).stream().map(d -> d.name).toList();
    }
  }

  /** Whether a collection is open; a missing one is an error. */
  public boolean isOpen(String scope, String name) {
    synchronized (catalogue) {
      return catalogue.did(scope, name).open;
    }
  }

  /** The names of the collections of a scope, in order of creation. */
  public List<String> collections(String scope) {
    synchronized (catalogue) {
      return catalogue.dids.values().stream().filter(d -> d.scope.equals(scope) && d.type != Catalogue.Type.FILE)
          .map(d -> d.name).toList();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      app.stop();
    }
  }

  // ---- authentication and accounts ----

  private void authenticate(Context ctx) {
    String path = ctx.path();
    if (log != null) {
      String body = ctx.body();
      log.accept(ctx.method().name() + " " + path + (ctx.queryString() == null ? "" : "?" + ctx.queryString())
          + (ctx.header("Accept") == null ? "" : "  [Accept: " + ctx.header("Accept") + "]")
          + (body.isEmpty() ? "" : "\n    " + body));
    }
    String first = path.split("/").length > 1 ? path.split("/")[1] : "";
    calls.merge(ctx.method().name() + " /" + first + (first.equals("replicas") && path.endsWith("/list") ? "/list" : ""),
        1, Integer::sum);
    if (path.equals("/ping") || path.startsWith("/auth/userpass") || path.startsWith("/auth/x509")) {
      return;
    }
    String token = ctx.header("X-Rucio-Auth-Token");
    if (token == null || token.isEmpty()) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot authenticate without passing all required arguments");
    }
    Token t = tokens.get(token);
    if (t == null || t.expires().isBefore(Instant.now())) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot authenticate with given credentials");
    }
    ctx.attribute("account", t.account());
  }

  private static String account(Context ctx) {
    return ctx.attribute("account");
  }

  private void userpass(Context ctx) {
    String user = ctx.header("X-Rucio-Username");
    String password = ctx.header("X-Rucio-Password");
    String account = ctx.header("X-Rucio-Account");
    if (user == null || password == null) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot authenticate without passing all required arguments");
    }
    if (!password.equals(settings.passwords().get(user)) || (account != null && !account.isEmpty() && !account.equals(user))) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot authenticate to account " + (account == null ? user : account)
          + " with given credentials");
    }
    issueToken(ctx, user);
  }

  /** {@code /auth/x509}: the client certificate's subject, proxy attributes stripped, is an identity of the account. */
  private void x509(Context ctx) {
    java.security.cert.X509Certificate[] chain =
        (java.security.cert.X509Certificate[]) ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
    if (chain == null || chain.length == 0 || settings.x509() == null) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot get DN");
    }
    String dn = chain[0].getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    // VOMS proxies prepend CN=<number>, CN=proxy or CN=limited proxy to the subject, once or more.
    dn = dn.replaceFirst("^(CN=(limited proxy|proxy|[0-9]+),)+", "");
    String account = settings.x509().identities().get(dn);
    String asked = ctx.header("X-Rucio-Account");
    if (account == null) {
      throw new RucioError(401, "IdentityError", "No account is associated with the identity " + dn + " of type X509");
    }
    if (asked != null && !asked.isEmpty() && !asked.equals(account)) {
      throw new RucioError(401, "CannotAuthenticate", "Cannot authenticate to account " + asked + " with given credentials");
    }
    issueToken(ctx, account);
  }

  /** A new token for the account, in the headers Rucio's client reads it from. */
  private void issueToken(Context ctx, String account) {
    String token = account + "-" + UUID.randomUUID().toString().replace("-", "");
    Instant expires = Instant.now().plus(settings.tokenLifetime());
    tokens.put(token, new Token(account, expires));
    ctx.header("X-Rucio-Auth-Token", token);
    ctx.header("X-Rucio-Auth-Token-Expires", time(expires));
    ctx.header("X-Rucio-Auth-Account", account);
    ctx.status(200).result("");
  }

  private void showAccount(Context ctx) {
    String a = ctx.pathParam("account");
    if (!settings.passwords().containsKey(a) && !settings.tokens().containsValue(a)
        && (settings.x509() == null || !settings.x509().identities().containsValue(a))) {
      throw new RucioError(404, "AccountNotFound", "Account with ID '" + a + "' cannot be found");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("account", a);
    out.put("account_type", "USER");
    out.put("status", "ACTIVE");
    out.put("email", a + "@localhost");
    out.put("created_at", time(Instant.EPOCH));
    out.put("updated_at", time(Instant.EPOCH));
    out.put("suspended_at", null);
    out.put("deleted_at", null);
    ctx.json(out);
  }

  // ---- storage elements ----

  private void listRses(Context ctx) {
    String expression = ctx.queryParam("expression");
    List<String> names = expression == null ? List.copyOf(catalogue.rses.keySet()) : catalogue.expand(expression);
    List<Object> out = new ArrayList<>();
    for (String n : names) {
      StorageElement e = catalogue.rse(n);
      out.add(Map.of("rse", n, "id", id(n), "rse_type", "DISK", "deterministic", e.deterministic(), "volatile", false));
    }
    stream(ctx, out);
  }

  private static Map<String, Object> rseInfo(StorageElement e) {
    List<Object> protocols = new ArrayList<>();
    int priority = 1;
    for (URI door : e.doors()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("hostname", door.getHost() == null ? "" : door.getHost());
      p.put("scheme", door.getScheme());
      p.put("port", Catalogue.port(door));
      p.put("prefix", Catalogue.prefix(door));
      p.put("impl", StorageElement.impl(door));
      Map<String, Object> rw = new LinkedHashMap<>(Map.of("read", priority, "write", priority, "delete", priority));
      Map<String, Object> wan = new LinkedHashMap<>(rw);
      wan.put("third_party_copy_read", priority);
      wan.put("third_party_copy_write", priority);
      p.put("domains", Map.of("lan", rw, "wan", wan));
      p.put("extended_attributes", null);
      protocols.add(p);
      priority++;
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("availability_delete", true);
    info.put("availability_read", true);
    info.put("availability_write", true);
    info.put("credentials", null);
    info.put("deterministic", e.deterministic());
    info.put("domain", List.of("lan", "wan"));
    info.put("id", id(e.name()));
    info.put("lfn2pfn_algorithm", "hash");
    info.put("protocols", protocols);
    info.put("qos_class", null);
    info.put("rse", e.name());
    info.put("rse_type", "DISK");
    info.put("sign_url", null);
    info.put("staging_area", false);
    info.put("verify_checksum", true);
    info.put("volatile", false);
    return info;
  }

  private static String id(String rse) {
    return UUID.nameUUIDFromBytes(rse.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  // ---- data identifiers ----

  private void addDids(Context ctx) throws Exception {
    for (Map<String, Object> d : MAPPER.readValue(ctx.body(), OBJECTS)) {
      addCollection(ctx, Catalogue.str(d, "scope"), Catalogue.str(d, "name"), d);
    }
    created(ctx);
  }

  @SuppressWarnings("unchecked")
  private void addCollection(Context ctx, String scope, String name, Map<String, Object> body) {
    Catalogue.Type type = Catalogue.Type.of(Catalogue.str(body, "type"));
    boolean monotonic = body.get("statuses") instanceof Map<?, ?> s && Boolean.TRUE.equals(s.get("monotonic"));
    synchronized (catalogue) {
      catalogue.addCollection(account(ctx), scope, name, type, monotonic, (Map<String, Object>) body.get("meta"));
      if (body.get("dids") instanceof List<?> content && !content.isEmpty()) {
        catalogue.attach(account(ctx), scope, name, (List<Map<String, Object>>) content, (String) body.get("rse"), false);
      }
      if (body.get("rules") instanceof List<?> rules) {
        for (Object r : rules) {
          Map<String, Object> rule = (Map<String, Object>) r;
          catalogue.addRule(account(ctx), Map.of("scope", scope, "name", name), ((Number) rule.getOrDefault("copies", 1)).intValue(),
              (String) rule.get("rse_expression"), (String) rule.get("grouping"), lifetime(rule.get("lifetime")));
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void attachments(Context ctx) throws Exception {
    Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
    boolean ignoreDuplicate = Boolean.TRUE.equals(body.get("ignore_duplicate"));
    synchronized (catalogue) {
      for (Object o : (List<Object>) body.get("attachments")) {
        Map<String, Object> a = (Map<String, Object>) o;
        catalogue.attach(account(ctx), Catalogue.str(a, "scope"), Catalogue.str(a, "name"),
            (List<Map<String, Object>>) a.get("dids"), (String) a.get("rse"), ignoreDuplicate);
      }
    }
    created(ctx);
  }

  /** {@code /dids/<scope>/<name>[/<what>[/<key>]]} and {@code /dids/<scope>/dids/search}, as the server routes them. */
  @SuppressWarnings("unchecked")
  private void dids(Context ctx, String method) throws Exception {
    String[] raw = ctx.path().substring("/dids/".length()).split("/");
    List<String> seg = new ArrayList<>();
    for (String s : raw) {
      seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
    }
    if (seg.size() < 2) {
      throw new RucioError(404, "NotFound", "no route for " + ctx.path());
    }
    String scope = seg.get(0);
    String name = seg.get(1);
    String what = seg.size() > 2 ? seg.get(2) : "";
    if (method.equals("GET") && name.equals("dids") && what.equals("search")) {
      listDids(ctx, scope);
      return;
    }
    switch (method + " " + what) {
      case "GET " -> ctx.json(did(catalogue.did(scope, name)));
      case "POST " -> {
        addCollection(ctx, scope, name, MAPPER.readValue(ctx.body(), OBJECT));
        created(ctx);
      }
      case "GET meta" -> ctx.json(meta(catalogue.did(scope, name)));
      case "POST meta" -> {
        Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
        synchronized (catalogue) {
          Catalogue.Did d = catalogue.did(scope, name);
          if (seg.size() > 3) {
            d.meta.put(seg.get(3), body.get("value"));
          } else {
            d.meta.putAll((Map<String, Object>) body.getOrDefault("meta", Map.of()));
          }
        }
        created(ctx);
      }
      case "GET files" -> {
        List<Object> out = new ArrayList<>();
        synchronized (catalogue) {
          for (Catalogue.Did f : catalogue.files(catalogue.did(scope, name))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", f.scope);
            m.put("name", f.name);
            m.put("bytes", f.bytes);
            m.put("adler32", f.adler32);
            m.put("guid", f.guid);
            m.put("events", f.events);
            out.add(m);
          }
        }
        stream(ctx, out);
      }
      case "GET dids" -> {
        List<Object> out = new ArrayList<>();
        synchronized (catalogue) {
          for (String k : catalogue.did(scope, name).content) {
            Catalogue.Did c = catalogue.dids.get(k);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", c.scope);
            m.put("name", c.name);
            m.put("type", c.type.name());
            m.put("bytes", c.type == Catalogue.Type.FILE ? c.bytes : catalogue.bytes(c));
            m.put("adler32", c.adler32);
            m.put("md5", c.md5);
            out.add(m);
          }
        }
        stream(ctx, out);
      }
      case "POST dids" -> {
        Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
        catalogue.attach(account(ctx), scope, name, (List<Map<String, Object>>) body.get("dids"), (String) body.get("rse"), false);
        created(ctx);
      }
      case "PUT status" -> {
        Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
        if (!(body.get("open") instanceof Boolean open)) {
          throw new RucioError(409, "UnsupportedStatus", "The status " + body + " is not supported");
        }
        catalogue.setOpen(scope, name, open);
        ctx.status(200).result("");
      }
      case "GET rules" -> {
        List<Object> out = new ArrayList<>();
        synchronized (catalogue) {
          catalogue.did(scope, name);
          catalogue.rules.values().stream().filter(r -> r.scope().equals(scope) && r.name().equals(name))
              .forEach(r -> out.add(rule(r)));
        }
        stream(ctx, out);
      }
      default -> throw new RucioError(404, "NotFound", "no route for " + method + " " + ctx.path());
    }
  }

  private void listDids(Context ctx, String scope) throws Exception {
    // The client sends its filters as Python's repr of a list of dicts (the server reads them with
    // ast.literal_eval), each dict a conjunction, the list a disjunction; older clients send name=.
    List<String> names = new ArrayList<>();
    String filterType = null;
    String filters = ctx.queryParam("filters");
    if (filters != null) {
      String json = filters.replace('\'', '"').replace("True", "true").replace("False", "false").replace("None", "null");
      for (Map<String, Object> f : MAPPER.readValue(json, OBJECTS)) {
        names.add(f.get("name") instanceof String n ? n : "*");
        if (f.get("type") instanceof String t) {
          filterType = t;
        }
      }
    }
    if (names.isEmpty()) {
      names.add(ctx.queryParam("name") == null ? "*" : ctx.queryParam("name"));
    }
    String type = (filterType != null ? filterType : ctx.queryParam("type") == null ? "collection" : ctx.queryParam("type"))
        .toLowerCase(Locale.ROOT);
    boolean longForm = "1".equals(ctx.queryParam("long")) || "true".equalsIgnoreCase(ctx.queryParam("long"));
    List<java.util.regex.Pattern> globs = names.stream().map(n -> java.util.regex.Pattern.compile(
        java.util.regex.Pattern.quote(n).replace("*", "\\E.*\\Q"))).toList();
    List<Object> out = new ArrayList<>();
    synchronized (catalogue) {
      for (Catalogue.Did d : catalogue.dids.values()) {
        boolean typeMatches = switch (type) {
          case "all" -> true;
          case "collection" -> d.type != Catalogue.Type.FILE;
          default -> d.type.name().equalsIgnoreCase(type);
        };
        if (d.scope.equals(scope) && typeMatches && globs.stream().anyMatch(g -> g.matcher(d.name).matches())) {
          if (longForm) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", d.scope);
            m.put("name", d.name);
            m.put("did_type", d.type.name());
            m.put("bytes", d.type == Catalogue.Type.FILE ? d.bytes : catalogue.bytes(d));
            m.put("length", d.type == Catalogue.Type.FILE ? 1 : catalogue.files(d).size());
            out.add(m);
          } else {
            out.add(d.name);
          }
        }
      }
    }
    stream(ctx, out);
  }

  private Map<String, Object> did(Catalogue.Did d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scope", d.scope);
    m.put("name", d.name);
    m.put("type", d.type.name());
    m.put("account", d.account);
    synchronized (catalogue) {
      if (d.type == Catalogue.Type.FILE) {
        m.put("bytes", d.bytes);
        m.put("length", 1);
        m.put("md5", d.md5);
        m.put("adler32", d.adler32);
      } else {
        m.put("open", d.open);
        m.put("monotonic", d.monotonic);
        m.put("expired_at", null);
        m.put("length", catalogue.files(d).size());
        m.put("bytes", catalogue.bytes(d));
      }
    }
    return m;
  }

  private Map<String, Object> meta(Catalogue.Did d) {
    Map<String, Object> m = new LinkedHashMap<>();
    synchronized (catalogue) {
      m.put("scope", d.scope);
      m.put("name", d.name);
      m.put("account", d.account);
      m.put("did_type", d.type.name());
      m.put("is_open", d.type == Catalogue.Type.FILE ? null : d.open);
      m.put("monotonic", d.monotonic);
      m.put("bytes", d.type == Catalogue.Type.FILE ? d.bytes : catalogue.bytes(d));
      m.put("length", d.type == Catalogue.Type.FILE ? 1 : catalogue.files(d).size());
      m.put("md5", d.md5);
      m.put("adler32", d.adler32);
      m.put("guid", d.guid);
      m.put("events", d.events);
      m.put("availability", "AVAILABLE");
      m.put("created_at", time(d.created));
      m.put("updated_at", time(d.created));
      m.put("expired_at", null);
      m.putAll(d.meta);
    }
    return m;
  }

  // ---- replicas ----

  @SuppressWarnings("unchecked")
  private void addReplicas(Context ctx) throws Exception {
    Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
    catalogue.addReplicas(account(ctx), Catalogue.str(body, "rse"), (List<Map<String, Object>>) body.get("files"));
    created(ctx);
  }

  @SuppressWarnings("unchecked")
  private void updateReplicas(Context ctx) throws Exception {
    Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
    catalogue.updateReplicaStates(Catalogue.str(body, "rse"), (List<Map<String, Object>>) body.get("files"));
    ctx.status(200).result("");
  }

  @SuppressWarnings("unchecked")
  private void listReplicas(Context ctx) throws Exception {
    Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
    List<String> schemes = body.get("schemes") instanceof List<?> l ? (List<String>) l : null;
    boolean allStates = Boolean.TRUE.equals(body.get("all_states"));
    boolean parents = Boolean.TRUE.equals(body.get("resolve_parents"));
    List<Map<String, Object>> files = new ArrayList<>();
    synchronized (catalogue) {
      List<String> where = body.get("rse_expression") instanceof String e ? catalogue.expand(e) : null;
      for (Object o : (List<Object>) body.get("dids")) {
        Map<String, Object> in = (Map<String, Object>) o;
        for (Catalogue.Did f : catalogue.files(catalogue.did(Catalogue.str(in, "scope"), Catalogue.str(in, "name")))) {
          files.add(replicaEntry(f, where, schemes, allStates, parents));
        }
      }
    }
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("application/metalink4+xml")) {
      ctx.contentType("application/metalink4+xml").result(metalink(files));
    } else {
      stream(ctx, new ArrayList<>(files));
    }
  }

  private Map<String, Object> replicaEntry(Catalogue.Did f, List<String> where, List<String> schemes, boolean allStates,
      boolean withParents) {
    Map<String, Object> pfns = new LinkedHashMap<>();
    Map<String, Object> rses = new LinkedHashMap<>();
    Map<String, Object> states = new LinkedHashMap<>();
    int priority = 1;
    for (var e : f.replicas.entrySet()) {
      StorageElement rse = catalogue.rses.get(e.getKey());
      if ((where != null && !where.contains(e.getKey())) || (!allStates && !e.getValue().state.equals("A"))) {
        continue;
      }
      List<String> here = new ArrayList<>();
      for (URI door : rse.doors()) {
        String scheme = door.getScheme();
        boolean schemeOk = schemes == null || schemes.isEmpty() || schemes.contains(scheme)
            || (scheme.matches("https|davs") && schemes.stream().anyMatch(x -> x.matches("https|davs")));
        if (!schemeOk || (e.getValue().pfn != null && !here.isEmpty())) {
          continue;
        }
        String pfn = Catalogue.pfn(door, f, e.getValue());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rse_id", id(rse.name()));
        p.put("rse", rse.name());
        p.put("type", "DISK");
        p.put("volatile", false);
        p.put("domain", "wan");
        p.put("priority", priority++);
        p.put("client_extract", false);
        pfns.put(pfn, p);
        here.add(pfn);
      }
      if (here.isEmpty()) {
        continue;
      }
      rses.put(rse.name(), here);
      states.put(rse.name(), state(e.getValue().state));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scope", f.scope);
    m.put("name", f.name);
    m.put("bytes", f.bytes);
    m.put("md5", f.md5);
    m.put("adler32", f.adler32);
    m.put("pfns", pfns);
    m.put("rses", rses);
    m.put("states", states);
    if (withParents) {
      m.put("parents", catalogue.dids.values().stream().filter(d -> d.content.contains(f.key())).map(Catalogue.Did::key).toList());
    }
    return m;
  }

  /** A collection's replicas by storage element: how many of its files are available there. */
  private void datasetReplicas(Context ctx) {
    String scope = URLDecoder.decode(ctx.pathParam("scope"), StandardCharsets.UTF_8);
    String name = URLDecoder.decode(ctx.pathParam("name"), StandardCharsets.UTF_8);
    List<Object> out = new ArrayList<>();
    synchronized (catalogue) {
      List<Catalogue.Did> files = catalogue.files(catalogue.did(scope, name));
      long bytes = files.stream().mapToLong(f -> f.bytes).sum();
      for (String rse : catalogue.rses.keySet()) {
        List<Catalogue.Did> here = files.stream()
            .filter(f -> f.replicas.containsKey(rse) && f.replicas.get(rse).state.equals("A")).toList();
        if (here.isEmpty()) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", scope);
        m.put("name", name);
        m.put("rse", rse);
        m.put("rse_id", id(rse));
        m.put("bytes", bytes);
        m.put("length", files.size());
        m.put("available_bytes", here.stream().mapToLong(f -> f.bytes).sum());
        m.put("available_length", here.size());
        m.put("state", here.size() == files.size() ? "AVAILABLE" : "UNAVAILABLE");
        m.put("created_at", time(Instant.now()));
        m.put("updated_at", time(Instant.now()));
        m.put("accessed_at", null);
        out.add(m);
      }
    }
    stream(ctx, out);
  }

  private static String state(String initial) {
    return switch (initial) {
      case "A" -> "AVAILABLE";
      case "U" -> "UNAVAILABLE";
      case "C" -> "COPYING";
      case "B" -> "BEING_DELETED";
      case "D" -> "BAD";
      case "T" -> "TEMPORARY_UNAVAILABLE";
      default -> initial;
    };
  }

  @SuppressWarnings("unchecked")
  private static String metalink(List<Map<String, Object>> files) {
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n");
    for (Map<String, Object> f : files) {
      x.append(" <file name=\"").append(xml(f.get("name"))).append("\">\n");
      if (f.get("parents") instanceof List<?> ps && !ps.isEmpty()) {
        x.append("  <parents>\n");
        ps.forEach(p -> x.append("   <did>").append(xml(p)).append("</did>\n"));
        x.append("  </parents>\n");
      }
      x.append("  <identity>").append(xml(f.get("scope") + ":" + f.get("name"))).append("</identity>\n");
      if (f.get("adler32") != null) {
        x.append("  <hash type=\"adler32\">").append(xml(f.get("adler32"))).append("</hash>\n");
      }
      if (f.get("md5") != null) {
        x.append("  <hash type=\"md5\">").append(xml(f.get("md5"))).append("</hash>\n");
      }
      x.append("  <size>").append(f.get("bytes")).append("</size>\n");
      x.append("  <glfn name=\"/atlas/rucio/").append(xml(f.get("scope") + ":" + f.get("name"))).append("\"></glfn>\n");
      for (var e : ((Map<String, Map<String, Object>>) f.get("pfns")).entrySet()) {
        Map<String, Object> r = e.getValue();
        x.append("  <url location=\"").append(xml(r.get("rse"))).append("\" domain=\"wan\" priority=\"")
            .append(r.get("priority")).append("\" client_extract=\"false\">").append(xml(e.getKey())).append("</url>\n");
      }
      x.append(" </file>\n");
    }
    return x.append("</metalink>\n").toString();
  }

  private static String xml(Object o) {
    return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  // ---- rules ----

  @SuppressWarnings("unchecked")
  private void addRule(Context ctx) throws Exception {
    Map<String, Object> body = MAPPER.readValue(ctx.body(), OBJECT);
    int copies = body.get("copies") instanceof Number n ? n.intValue() : 1;
    List<String> ids = new ArrayList<>();
    synchronized (catalogue) {
      for (Object d : (List<Object>) body.get("dids")) {
        ids.add(catalogue.addRule(body.get("account") instanceof String a ? a : account(ctx), (Map<String, Object>) d, copies,
            (String) body.get("rse_expression"), (String) body.get("grouping"), lifetime(body.get("lifetime"))).id());
      }
    }
    ctx.status(201).json(ids);
  }

  private Map<String, Object> rule(Catalogue.Rule r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("scope", r.scope());
    m.put("name", r.name());
    m.put("did_type", catalogue.did(r.scope(), r.name()).type.name());
    m.put("account", r.account());
    m.put("copies", r.copies());
    m.put("rse_expression", r.rseExpression());
    m.put("grouping", r.grouping());
    m.put("state", catalogue.ruleState(r));
    long files = catalogue.files(catalogue.did(r.scope(), r.name())).size();
    boolean ok = m.get("state").equals("OK");
    m.put("bytes", catalogue.bytes(catalogue.did(r.scope(), r.name())));
    m.put("locks_ok_cnt", ok ? files * r.copies() : 0);
    m.put("locks_replicating_cnt", ok ? 0 : files * r.copies());
    m.put("locks_stuck_cnt", 0);
    m.put("locked", false);
    m.put("weight", null);
    m.put("error", null);
    m.put("subscription_id", null);
    m.put("source_replica_expression", null);
    m.put("activity", "User Subscriptions");
    m.put("priority", 3);
    m.put("purge_replicas", false);
    m.put("notification", "NO");
    m.put("comments", null);
    m.put("updated_at", time(r.created()));
    m.put("created_at", time(r.created()));
    m.put("expires_at", r.lifetime() == null ? null : time(r.created().plusSeconds(r.lifetime())));
    return m;
  }

  private static Long lifetime(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  // ---- answers ----

  private static void created(Context ctx) {
    ctx.status(201).result("Created");
  }

  private static void stream(Context ctx, List<Object> items) {
    StringBuilder out = new StringBuilder();
    try {
      for (Object o : items) {
        out.append(MAPPER.writeValueAsString(o)).append('\n');
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ctx.status(200).contentType("application/x-json-stream").result(out.toString());
  }

  private static void error(Context ctx, int status, String exceptionClass, String message) {
    String body;
    try {
      body = MAPPER.writeValueAsString(Map.of("ExceptionClass", exceptionClass, "ExceptionMessage", message));
    } catch (Exception e) {
      body = "{}";
    }
    String header = message.length() > 125 ? message.substring(0, 125) : message;
    ctx.status(status).header("ExceptionClass", exceptionClass)
        .header("ExceptionMessage", header.replaceAll("[\\r\\n]", " "))
        .contentType("application/octet-stream").result(body);
  }

  private static String time(Instant t) {
    return RUCIO_TIME.format(t.isAfter(Instant.parse("9999-01-01T00:00:00Z")) ? Instant.parse("9999-01-01T00:00:00Z") : t);
  }
}
