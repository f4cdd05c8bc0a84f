package org.taskwire.wrapper;

import java.util.Map;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.message.SigningKey;

/**
 * What a serving worker needs to answer on its own channel: the run's key, which signs each
 * result, and the largest result the run takes.
 */
record ResultSigner(SigningKey key, int maxBytes) {
  /**
   * Reads the key and the limit the client put in the worker's environment (or a pilot's
   * transport file).
   *
   * @throws IllegalArgumentException if the key or the result limit is missing or malformed
   */
  static ResultSigner fromEnvironment(Map<String, String> env) {
    String key = env.get(SigningKey.ENVIRONMENT);
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(SigningKey.ENVIRONMENT + " is not set: a serving worker signs its results "
          + "with the run's key, which its client gives it");
    }
    return new ResultSigner(SigningKey.fromBase64(key), TransportSettings.maxBytesFrom(env));
  }

  /** The result, or its failure for being too large to send. */
  ResultEnvelope capped(ResultEnvelope result, String workId) {
    byte[] output = result.output();
    return output != null && output.length > maxBytes ? result.tooLarge(workId, output.length, maxBytes) : result;
  }
}
