package org.taskwire.internal.transport.stomp;

import java.util.List;

/**
 * How to reach the result brokers: addresses ({@code taskwire.broker.url}), credentials
 * ({@code taskwire.broker.user}, {@code taskwire.broker.password}) and the destination
 * ({@code taskwire.broker.destination}, default {@value #DEFAULT_DESTINATION}).
 */
public record BrokerSettings(List<BrokerAddress> addresses, String user, String password, String destination) {
  public static final String DEFAULT_DESTINATION = "/topic/taskwire.results";

  public BrokerSettings {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no broker address");
    }
  }

  @Override
  public String toString() {
    return "BrokerSettings" + addresses + " " + destination + (user == null ? "" : " as " + user);
  }
}
