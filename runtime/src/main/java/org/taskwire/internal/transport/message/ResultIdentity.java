package org.taskwire.internal.transport.message;

import java.util.Properties;

/**
 * What makes a run's result messages its own: the route they are sent on and the key they are
 * signed with. A resumed run keeps its identity, so that messages from jobs that outlived the
 * client before are still accepted.
 */
public record ResultIdentity(Route route, SigningKey key) {

  /** A fresh identity: a random route and key. */
  public static ResultIdentity random() {
    return new ResultIdentity(Route.random(0, 0), SigningKey.generate());
  }

  /** As kept in the run's directory. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("route", route.internalId());
    p.setProperty("key", key.toBase64());
    return p;
  }

  /**
   * Reads what {@link #toProperties} wrote.
   *
   * @throws IllegalArgumentException if a value is missing or malformed
   */
  public static ResultIdentity fromProperties(Properties p) {
    String route = p.getProperty("route");
    String key = p.getProperty("key");
    if (route == null || !route.matches("[0-9a-f]{32}") || key == null) {
      throw new IllegalArgumentException("expected route=<32 hex digits> and key=<base64>");
    }
    return new ResultIdentity(new Route(route, 0, 0), SigningKey.fromBase64(key));
  }
}
