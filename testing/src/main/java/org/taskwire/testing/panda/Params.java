package org.taskwire.testing.panda;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's argument rules ({@code api/v1/common.py:request_validation}): unknown and missing
 * keyword arguments are errors; GET values are cast by type ({@code int(float(v))}, booleans from
 * {@code true}/{@code 1}, repeated keys for lists, the literal {@code None}); POST values must
 * already have the right JSON type; a POST body is read by its Content-Length and must be JSON
 * with exactly {@code Content-Type: application/json}.
 */
final class Params {
  enum Type { INT, BOOL, STR, DICT, LIST_INT, LIST_STR, ANY }

  record Spec(String name, Type type, boolean required) {}

  static Spec required(String name, Type type) {
    return new Spec(name, type, true);
  }

  static Spec optional(String name, Type type) {
    return new Spec(name, type, false);
  }

  /** A request the server refuses; {@code serverError} marks the 500 answers. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean serverError;

    Invalid(String message, boolean serverError) {
      super(message);
      this.serverError = serverError;
    }
  }

  private Params() {}

  static Map<String, Object> fromQuery(Context ctx, Map<String, Spec> specs) throws Invalid {
    Map<String, Object> args = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      Spec spec = specs.get(e.getKey());
      if (spec == null) {
        throw new Invalid("Argument error: got an unexpected keyword argument '" + e.getKey() + "'", false);
      }
      args.put(e.getKey(), cast(spec, e.getValue()));
    }
    return complete(specs, args);
  }

  static Map<String, Object> fromJsonBody(Context ctx, Map<String, Spec> specs) throws Invalid {
    if (!"application/json".equals(ctx.header("Content-Type"))) {
      // Form data: values stay strings, and strings fail the type checks of typed parameters.
      Map<String, Object> args = new LinkedHashMap<>();
      String type = String.valueOf(ctx.header("Content-Type"));
      boolean form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
      // werkzeug finds no fields in a body of any other type, e.g. JSON with a charset.
      for (Map.Entry<String, List<String>> e : form ? ctx.formParamMap().entrySet() : Map.<String, List<String>>of().entrySet()) {
        if (!specs.containsKey(e.getKey())) {
          throw new Invalid("Argument error: got an unexpected keyword argument '" + e.getKey() + "'", false);
        }
        args.put(e.getKey(), e.getValue().get(0));
      }
      for (Map.Entry<String, Object> e : args.entrySet()) {
        check(specs.get(e.getKey()), e.getValue());
      }
      return complete(specs, args);
    }
    String length = ctx.header("Content-Length");
    byte[] body = length == null ? new byte[0] : ctx.bodyAsBytes();
    JsonNode root;
    try {
      root = PandaEmulator.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("ERROR : received invalid JSON : " + (body.length == 0 ? "empty body (no Content-Length?)"
          : "not an object"), true);
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      Spec spec = specs.get(e.getKey());
      if (spec == null) {
        throw new Invalid("Argument error: got an unexpected keyword argument '" + e.getKey() + "'", false);
      }
      Object value = PandaEmulator.MAPPER.convertValue(e.getValue(), Object.class);
      check(spec, value);
      args.put(e.getKey(), normalise(spec, value));
    }
    return complete(specs, args);
  }

  private static Map<String, Object> complete(Map<String, Spec> specs, Map<String, Object> args) throws Invalid {
    for (Spec s : specs.values()) {
      if (s.required() && !args.containsKey(s.name())) {
        throw new Invalid("Argument error: missing a required argument: '" + s.name() + "'", false);
      }
    }
    return args;
  }

  private static void check(Spec spec, Object value) throws Invalid {
    if (value == null) {
      return;
    }
    boolean ok = switch (spec.type()) {
      case INT -> value instanceof Integer || value instanceof Long;
      case BOOL -> value instanceof Boolean;
      case STR -> value instanceof String;
      case DICT -> value instanceof Map;
      case LIST_INT -> value instanceof List<?> l && l.stream().allMatch(v -> v instanceof Integer || v instanceof Long);
      case LIST_STR -> value instanceof List<?> l && l.stream().allMatch(v -> v instanceof String);
      case ANY -> true;
    };
    if (!ok) {
      throw new Invalid("Type error: '" + spec.name() + "' must be of type " + python(spec.type()) + ", got "
          + pythonType(value) + ".", false);
    }
  }

  private static Object normalise(Spec spec, Object value) {
    if (spec.type() == Type.LIST_INT && value instanceof List<?> l) {
      List<Long> out = new ArrayList<>();
      l.forEach(v -> out.add(((Number) v).longValue()));
      return out;
    }
    return value;
  }

  private static Object cast(Spec spec, List<String> values) throws Invalid {
    String v = values.get(values.size() - 1);
    if (values.size() == 1 && "None".equals(v)) {
      return null;
    }
    try {
      return switch (spec.type()) {
        case INT -> (long) Double.parseDouble(v);
        case BOOL -> v.equalsIgnoreCase("true") || v.equals("1");
        case LIST_INT -> {
          List<Long> out = new ArrayList<>();
          for (String s : values) {
            out.add((long) Double.parseDouble(s));
          }
          yield out;
        }
        case LIST_STR -> List.copyOf(values);
        default -> v;
      };
    } catch (NumberFormatException e) {
      throw new Invalid("Type error: '" + spec.name() + "' must be of type " + python(spec.type()) + ", got str.", false);
    }
  }

  private static String python(Type t) {
    return switch (t) {
      case INT -> "int";
      case BOOL -> "bool";
      case STR -> "str";
      case DICT -> "dict";
      case LIST_INT -> "List[int]";
      case LIST_STR -> "List[str]";
      case ANY -> "any";
    };
  }

  private static String pythonType(Object v) {
    if (v instanceof String) return "str";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Integer || v instanceof Long) return "int";
    if (v instanceof Number) return "float";
    if (v instanceof List) return "list";
    if (v instanceof Map) return "dict";
    return v.getClass().getSimpleName();
  }
}
