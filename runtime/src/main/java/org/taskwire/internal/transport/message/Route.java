package org.taskwire.internal.transport.message;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where a run's results go: iDDS's routing ids. {@code internalId} carries 128 random bits (iDDS
 * uses 32) and is what subscribers select on; {@code requestId} and {@code transformId} are the
 * iDDS request and transform (for Taskwire: 0 and the task id).
 */
public record Route(String internalId, long requestId, long transformId) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A route with a fresh 128-bit internal id. */
  public static Route random(long requestId, long transformId) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new Route(HexFormat.of().formatHex(bytes), requestId, transformId);
  }

  /** The JMS selector that makes the broker deliver only this route's messages. */
  public String selector() {
    return "internal_id = '" + internalId + "'";
  }
}
