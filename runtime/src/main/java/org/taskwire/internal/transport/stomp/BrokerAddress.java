package org.taskwire.internal.transport.stomp;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** One STOMP broker: {@code stomp://host:port}, {@code stomp+ssl://host:port}, or {@code host:port}. */
public record BrokerAddress(String host, int port, boolean tls) {

  /**
   * Parses one address.
   *
   * @throws IllegalArgumentException with the accepted forms
   */
  public static BrokerAddress parse(String text) {
    String value = text.trim();
    boolean tls = false;
    if (value.startsWith("stomp+ssl://") || value.startsWith("stomp+tls://")) {
      tls = true;
      value = value.substring(value.indexOf("://") + 3);
    } else if (value.startsWith("stomp://") || value.startsWith("tcp://")) {
      value = value.substring(value.indexOf("://") + 3);
    } else if (value.contains("://")) {
      throw new IllegalArgumentException("unsupported broker URL '" + text + "': use stomp://host:port or stomp+ssl://host:port");
    }
    try {
      URI uri = URI.create("stomp://" + value.replaceAll("/+$", ""));
      if (uri.getHost() == null || uri.getPort() <= 0) {
        throw new IllegalArgumentException("missing host or port");
      }
      return new BrokerAddress(uri.getHost(), uri.getPort(), tls);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed broker URL '" + text + "': use stomp://host:port or stomp+ssl://host:port", e);
    }
  }

  /** Parses a comma-separated list of addresses. */
  public static List<BrokerAddress> parseList(String text) {
    List<BrokerAddress> list = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        list.add(parse(part));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no broker address in '" + text + "'");
    }
    return List.copyOf(list);
  }

  @Override
  public String toString() {
    return (tls ? "stomp+ssl://" : "stomp://") + host + ":" + port;
  }
}
