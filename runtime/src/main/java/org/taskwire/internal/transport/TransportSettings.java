package org.taskwire.internal.transport;

import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.SigningKey;
import java.util.HashMap;
import java.util.Map;
import org.taskwire.internal.transport.stomp.BrokerAddress;
import org.taskwire.internal.transport.stomp.BrokerSettings;

/**
 * What a worker needs to send results: brokers, relay, the run's route, the signing key and the
 * size limit. The client hands it to workers through their environment, never their command line.
 */
public record TransportSettings(BrokerSettings brokers, String relayUrl, Route route, SigningKey key, int maxBytes) {
  static final String BROKER_URL = "TASKWIRE_BROKER_URL";
  static final String BROKER_USER = "TASKWIRE_BROKER_USER";
  static final String BROKER_PASSWORD = "TASKWIRE_BROKER_PASSWORD";
  static final String BROKER_DESTINATION = "TASKWIRE_BROKER_DESTINATION";
  static final String RELAY_URL = "TASKWIRE_RELAY_URL";
  static final String INTERNAL_ID = "TASKWIRE_INTERNAL_ID";
  /** The variable of the largest result a worker may send, in bytes. */
  public static final String MAX_BYTES = "TASKWIRE_RESULT_MAX_BYTES";

  /**
   * The largest result a worker may send, as its environment says. Every client that starts a
   * worker sets it, with the run's key, from {@code taskwire.result.max-bytes}: the default is
   * written once, there.
   *
   * @throws IllegalArgumentException if the variable is missing or not a number
   */
  public static int maxBytesFrom(Map<String, String> env) {
    String value = env.get(MAX_BYTES);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(MAX_BYTES + " is not set: the client that starts a worker gives it the "
          + "largest result it may send (taskwire.result.max-bytes)");
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_BYTES + " is not a number: " + value, e);
    }
  }

  /** The environment variables that carry these settings to a worker. */
  public Map<String, String> toEnvironment() {
    Map<String, String> env = new HashMap<>();
    if (brokers != null) {
      env.put(BROKER_URL, String.join(",", brokers.addresses().stream().map(BrokerAddress::toString).toList()));
      env.put(BROKER_DESTINATION, brokers.destination());
      if (brokers.user() != null) {
        env.put(BROKER_USER, brokers.user());
        env.put(BROKER_PASSWORD, brokers.password() == null ? "" : brokers.password());
      }
    }
    if (relayUrl != null) {
      env.put(RELAY_URL, relayUrl);
    }
    env.put(INTERNAL_ID, route.internalId());
    env.put(SigningKey.ENVIRONMENT, key.toBase64());
    env.put(MAX_BYTES, Integer.toString(maxBytes));
    return env;
  }

  /**
   * The settings as one opaque value, for a grid job's user secret: base64 of the JSON of
   * {@link #toEnvironment()}. runGen exports each secret as an environment variable.
   */
  public String toSecret() {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
      try (com.fasterxml.jackson.core.JsonGenerator g = SECRET_JSON.createGenerator(out)) {
        g.writeStartObject();
        for (Map.Entry<String, String> e : toEnvironment().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      return java.util.Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reads settings from a secret made by {@link #toSecret()}.
   *
   * @throws IllegalArgumentException if the secret is missing or malformed
   */
  public static TransportSettings fromSecret(String secret, String variable) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("the environment variable " + variable + " (a PanDA user secret) is not set;"
          + " was the task submitted with useSecrets?");
    }
    try {
      Map<String, String> env = readSecret(java.util.Base64.getDecoder().decode(secret.trim()));
      TransportSettings settings = fromEnvironment(env);
      if (settings == null) {
        throw new IllegalArgumentException(variable + " names no broker and no relay");
      }
      return settings;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed transport secret in " + variable + ": " + e.getMessage(), e);
    }
  }

  /** The secret is a flat JSON object of strings; a job reads it with the streaming API, not databind. */
  private static final com.fasterxml.jackson.core.JsonFactory SECRET_JSON = new com.fasterxml.jackson.core.JsonFactory();

  private static Map<String, String> readSecret(byte[] json) throws java.io.IOException {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    try (com.fasterxml.jackson.core.JsonParser p = SECRET_JSON.createParser(json)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new java.io.IOException("not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if (value != com.fasterxml.jackson.core.JsonToken.VALUE_STRING
            && value != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
          throw new java.io.IOException("the value of " + name + " is not a string");
        }
        env.put(name, p.getValueAsString());
      }
    }
    return env;
  }

  /**
   * Reads the settings a client put in a worker's environment.
   *
   * @return null if the environment names no broker and no relay
   * @throws IllegalArgumentException if it names one but the rest is missing or malformed
   */
  public static TransportSettings fromEnvironment(Map<String, String> env) {
    String brokerUrl = env.get(BROKER_URL);
    String relay = env.get(RELAY_URL);
    if (brokerUrl == null && relay == null) {
      return null;
    }
    String internalId = env.get(INTERNAL_ID);
    String key = env.get(SigningKey.ENVIRONMENT);
    if (internalId == null || key == null) {
      throw new IllegalArgumentException(INTERNAL_ID + " and " + SigningKey.ENVIRONMENT + " must be set with "
          + BROKER_URL + " or " + RELAY_URL);
    }
    BrokerSettings brokers = brokerUrl == null ? null : new BrokerSettings(BrokerAddress.parseList(brokerUrl),
        env.get(BROKER_USER), env.get(BROKER_PASSWORD),
        env.getOrDefault(BROKER_DESTINATION, BrokerSettings.DEFAULT_DESTINATION));
    int max = maxBytesFrom(env);
    return new TransportSettings(brokers, relay, new Route(internalId, 0, 0), SigningKey.fromBase64(key), max);
  }
}
