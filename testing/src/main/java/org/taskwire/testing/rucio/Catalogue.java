package org.taskwire.testing.rucio;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The emulated Rucio's state: scopes, data identifiers (files, datasets, containers) and what each
 * collection holds, replicas by storage element and rules, with the server's rules for each change
 * (one name per scope, a closed collection takes no more content, a file's checksum never changes,
 * deterministic names by the {@code hash} algorithm). Every method holds the catalogue's lock: the
 * server's transactions, in one process.
 */
final class Catalogue {

  /** A DID type as the server names it; the REST API also takes its initial. */
  enum Type {
    FILE, DATASET, CONTAINER;

    static Type of(String s) {
      for (Type t : values()) {
        if (t.name().equalsIgnoreCase(s) || t.name().substring(0, 1).equalsIgnoreCase(s)) {
          return t;
        }
      }
      throw new RucioError(400, "InvalidType", "Unknown did type " + s);
    }
  }

  /** One data identifier; collections list their content in order of attachment. */
  static final class Did {
    final String scope;
    final String name;
    final Type type;
    final String account;
    final Instant created = Instant.now();
    final Map<String, Object> meta = new LinkedHashMap<>();
    long bytes;
    String adler32;
    String md5;
    String guid;
    Long events;
    boolean open = true;
    boolean monotonic;
    final Set<String> content = new LinkedHashSet<>();
    /** Storage element → replica, files only. */
    final Map<String, Replica> replicas = new LinkedHashMap<>();

    Did(String scope, String name, Type type, String account) {
      this.scope = scope;
      this.name = name;
      this.type = type;
      this.account = account;
    }

    String key() {
      return scope + ":" + name;
    }
  }

  /** A replica: its state's initial as the REST API gives it ({@code A}, {@code C}, …) and a PFN given at registration. */
  static final class Replica {
    String state;
    final String pfn;

    Replica(String state, String pfn) {
      this.state = state;
      this.pfn = pfn;
    }
  }

  /** A replication rule; the emulator transfers nothing, so a rule is satisfied by the replicas there. */
  record Rule(String id, String scope, String name, String account, int copies, String rseExpression,
      String grouping, Long lifetime, Instant created) {}

  final Map<String, RucioEmulator.StorageElement> rses;
  final Map<String, String> scopes = new LinkedHashMap<>(); // scope -> account
  final Map<String, Did> dids = new LinkedHashMap<>();
  final Map<String, Rule> rules = new LinkedHashMap<>();

  Catalogue(Map<String, RucioEmulator.StorageElement> rses) {
    this.rses = rses;
  }

  synchronized void addScope(String account, String scope) {
    if (scopes.putIfAbsent(scope, account) != null) {
      throw new RucioError(409, "Duplicate", "Scope '" + scope + "' already exists!");
    }
  }

  synchronized List<String> scopes(String account) {
    return scopes.entrySet().stream().filter(e -> account == null || e.getValue().equals(account))
        .map(Map.Entry::getKey).toList();
  }

  synchronized Did did(String scope, String name) {
    Did d = dids.get(scope + ":" + name);
    if (d == null) {
      throw new RucioError(404, "DataIdentifierNotFound", "Data identifier '" + scope + ":" + name + "' not found");
    }
    return d;
  }

  synchronized boolean exists(String scope, String name) {
    return dids.containsKey(scope + ":" + name);
  }

  private void checkScope(String scope) {
    if (!scopes.containsKey(scope)) {
      throw new RucioError(404, "ScopeNotFound", "Scope '" + scope + "' does not exist.");
    }
  }

  synchronized Did addCollection(String account, String scope, String name, Type type, boolean monotonic,
      Map<String, Object> meta) {
    checkScope(scope);
    if (type == Type.FILE) {
      throw new RucioError(400, "UnsupportedOperation", "Only collection (dataset/container) can be registered.");
    }
    if (dids.containsKey(scope + ":" + name)) {
      throw new RucioError(409, "DataIdentifierAlreadyExists", "Data Identifier already exists!");
    }
    Did d = new Did(scope, name, type, account);
    d.monotonic = monotonic;
    if (meta != null) {
      d.meta.putAll(meta);
    }
    dids.put(d.key(), d);
    return d;
  }

  /** Registers a file, or checks an existing one against what is given: a file's checksum never changes. */
  synchronized Did file(String account, Map<String, Object> f) {
    String scope = str(f, "scope");
    String name = str(f, "name");
    checkScope(scope);
    Did d = dids.get(scope + ":" + name);
    Object bytes = f.get("bytes");
    String adler32 = (String) f.get("adler32");
    if (d == null) {
      if (bytes == null) {
        throw new RucioError(404, "DataIdentifierNotFound", "Data identifier '" + scope + ":" + name + "' not found");
      }
      d = new Did(scope, name, Type.FILE, account);
      d.bytes = ((Number) bytes).longValue();
      d.adler32 = adler32;
      d.md5 = (String) f.get("md5");
      d.guid = f.get("guid") != null ? String.valueOf(f.get("guid")) : UUID.randomUUID().toString().replace("-", "");
      if (f.get("events") instanceof Number n) {
        d.events = n.longValue();
      }
      if (f.get("meta") instanceof Map<?, ?> m) {
        Did created = d;
        m.forEach((k, v) -> created.meta.put(String.valueOf(k), v));
      }
      dids.put(d.key(), d);
      return d;
    }
    if (d.type != Type.FILE) {
      throw new RucioError(409, "UnsupportedOperation", "Data identifier '" + d.key() + "' is a " + d.type + ", not a file");
    }
    if ((bytes != null && ((Number) bytes).longValue() != d.bytes)
        || (adler32 != null && d.adler32 != null && !adler32.equals(d.adler32))) {
      throw new RucioError(412, "FileConsistencyMismatch", "(bytes, adler32) of " + d.key() + " are (" + d.bytes
          + ", " + d.adler32 + "), not (" + bytes + ", " + adler32 + ")");
    }
    return d;
  }

  synchronized void addReplicas(String account, String rse, List<Map<String, Object>> files) {
    RucioEmulator.StorageElement element = rse(rse);
    for (Map<String, Object> f : files) {
      Did d = file(account, f);
      if (d.replicas.containsKey(rse)) {
        throw new RucioError(409, "Duplicate", "File replica already exists on " + rse + ": " + d.key());
      }
      String pfn = (String) f.get("pfn");
      if (pfn == null && !element.deterministic()) {
        throw new RucioError(400, "InvalidPath", "Missing PFN for non-deterministic RSE " + rse);
      }
      if (pfn != null && element.deterministic()) {
        // The server checks a given PFN against the deterministic ones and keeps none of its own.
        List<String> expected = element.doors().stream().map(door -> pfn(door, d, new Replica("A", null))).toList();
        if (!expected.contains(pfn)) {
          throw new RucioError(400, "InvalidPath", "One of the PFNs provided " + pfn + " for " + d.key()
              + " does not match the Rucio expected PFNs: " + expected);
        }
        pfn = null;
      }
      d.replicas.put(rse, new Replica(f.get("state") != null ? String.valueOf(f.get("state")) : "A", pfn));
    }
  }

  synchronized void updateReplicaStates(String rse, List<Map<String, Object>> files) {
    rse(rse);
    for (Map<String, Object> f : files) {
      Did d = did(str(f, "scope"), str(f, "name"));
      Replica r = d.replicas.get(rse);
      if (r == null) {
        throw new RucioError(404, "ReplicaNotFound", "No row was found for " + d.key() + " on " + rse);
      }
      r.state = str(f, "state");
    }
  }

  /** Attaches files or collections; new files need {@code rse}, where they get an available replica. */
  synchronized void attach(String account, String scope, String name, List<Map<String, Object>> content, String rse,
      boolean ignoreDuplicate) {
    Did parent = did(scope, name);
    if (parent.type == Type.FILE) {
      throw new RucioError(409, "UnsupportedOperation", "Data identifier '" + parent.key() + "' is a file");
    }
    if (!parent.open) {
      throw new RucioError(409, "UnsupportedOperation", "Data identifier '" + parent.key() + "' is closed");
    }
    for (Map<String, Object> c : content) {
      String key = str(c, "scope") + ":" + str(c, "name");
      Did child;
      if (parent.type == Type.DATASET) {
        boolean isNew = !dids.containsKey(key);
        child = file(account, c);
        if (isNew || rse != null) {
          if (rse == null) {
            throw new RucioError(404, "DataIdentifierNotFound", "Data identifier '" + key + "' not found");
          }
          rse(rse);
          child.replicas.putIfAbsent(rse, new Replica("A", (String) c.get("pfn")));
        }
      } else {
        child = did(str(c, "scope"), str(c, "name"));
        if (child.type == Type.FILE) {
          throw new RucioError(409, "UnsupportedOperation", "A container holds datasets and containers, not the file " + key);
        }
      }
      if (!parent.content.add(key) && !ignoreDuplicate) {
        throw new RucioError(409, "DuplicateContent", "The data identifier " + key + " is already attached to " + parent.key());
      }
    }
  }

  synchronized void setOpen(String scope, String name, boolean open) {
    Did d = did(scope, name);
    if (d.type == Type.FILE) {
      throw new RucioError(409, "UnsupportedStatus", "A file has no open status");
    }
    if (open && !d.open) {
      throw new RucioError(409, "UnsupportedStatus", "Only the root account can reopen a closed collection");
    }
    d.open = open;
  }

  /** The files under a DID, depth first, each once. */
  synchronized List<Did> files(Did d) {
    Map<String, Did> out = new LinkedHashMap<>();
    collect(d, out, new LinkedHashSet<>());
    return new ArrayList<>(out.values());
  }

  private void collect(Did d, Map<String, Did> out, Set<String> seen) {
    if (!seen.add(d.key())) {
      return;
    }
    if (d.type == Type.FILE) {
      out.put(d.key(), d);
      return;
    }
    for (String k : d.content) {
      collect(dids.get(k), out, seen);
    }
  }

  synchronized long bytes(Did d) {
    return files(d).stream().mapToLong(f -> f.bytes).sum();
  }

  synchronized Rule addRule(String account, Map<String, Object> did, int copies, String rseExpression, String grouping,
      Long lifetime) {
    Did d = did(str(did, "scope"), str(did, "name"));
    expand(rseExpression);
    Rule r = new Rule(UUID.randomUUID().toString().replace("-", ""), d.scope, d.name, account, copies, rseExpression,
        grouping == null ? "DATASET" : grouping, lifetime, Instant.now());
    rules.put(r.id(), r);
    return r;
  }

  synchronized Rule rule(String id) {
    Rule r = rules.get(id);
    if (r == null) {
      throw new RucioError(404, "RuleNotFound", "No replication rule found with id " + id);
    }
    return r;
  }

  /** Whether every file under the rule's DID has an available replica where the rule asks: the rule's state. */
  synchronized String ruleState(Rule r) {
    List<String> where = expand(r.rseExpression());
    boolean ok = files(did(r.scope(), r.name())).stream().allMatch(f -> where.stream()
        .filter(rse -> f.replicas.containsKey(rse) && f.replicas.get(rse).state.equals("A")).count() >= r.copies());
    return ok ? "OK" : "REPLICATING";
  }

  RucioEmulator.StorageElement rse(String name) {
    RucioEmulator.StorageElement e = rses.get(name);
    if (e == null) {
      throw new RucioError(404, "RSENotFound", "RSE '" + name + "' cannot be found in vo 'def'");
    }
    return e;
  }

  /**
   * An RSE expression: a name, {@code *}, an attribute {@code key=value} ({@code <NAME>=true},
   * {@code istape=false}, {@code type=DISK}), or such terms joined by {@code |}; an expression that
   * selects nothing is an error, as on the server.
   */
  List<String> expand(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new RucioError(400, "InvalidRSEExpression", "The RSE expression is empty");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : expression.split("\\|")) {
      String p = part.trim();
      if (p.equals("*")) {
        out.addAll(rses.keySet());
      } else if (p.contains("=")) {
        String key = p.substring(0, p.indexOf('='));
        String value = p.substring(p.indexOf('=') + 1);
        rses.keySet().stream().filter(r -> value.equalsIgnoreCase(String.valueOf(attributes(r).get(key)))).forEach(out::add);
      } else if (rses.containsKey(p)) {
        out.add(p);
      }
    }
    if (out.isEmpty()) {
      throw new RucioError(400, "InvalidRSEExpression", "RSE Expression resulted in an empty set: " + expression);
    }
    return List.copyOf(out);
  }

  /** An RSE's attributes, as {@code GET /rses/<rse>/attr/} gives them. */
  Map<String, Object> attributes(String rse) {
    rse(rse);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put(rse, true);
    a.put("istape", false);
    a.put("type", "DISK");
    a.put("rse_type", "DISK");
    return a;
  }

  /** The physical name of a replica through a door: the one registered, or the door and the {@code hash} path. */
  static String pfn(URI door, Did f, Replica r) {
    if (r.pfn != null) {
      return r.pfn;
    }
    return door.getScheme() + "://" + door.getHost() + ":" + port(door) + prefix(door) + hashPath(f.scope, f.name);
  }

  /** A door's path, ending in a slash. */
  static String prefix(URI door) {
    return door.getPath().endsWith("/") ? door.getPath() : door.getPath() + "/";
  }

  static int port(URI door) {
    if (door.getPort() >= 0) {
      return door.getPort();
    }
    return switch (door.getScheme()) {
      case "https", "davs" -> 443;
      case "root" -> 1094;
      case "file" -> 0;
      default -> 80;
    };
  }

  /** Rucio's default deterministic path, as Taskwire's workers compute it. */
  static String hashPath(String scope, String name) {
    return org.taskwire.internal.data.RucioNames.hashPath(scope, name);
  }

  static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new RucioError(400, "InvalidObject", "Provided object does not match schema: '" + key + "' is a required string");
    }
    return s;
  }
}
