package org.taskwire.internal.transport.message;

import java.util.Map;

/** A result as it travels on STOMP or the HTTP relay: message headers and a JSON body. */
public record ResultMessage(Map<String, String> headers, byte[] body) {
  public ResultMessage {
    headers = Map.copyOf(headers);
  }
}
