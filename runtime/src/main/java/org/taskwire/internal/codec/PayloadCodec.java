package org.taskwire.internal.codec;

import org.taskwire.spi.WorkDefinition;

/**
 * Encodes the argument records and results of the works of one workflow. Implementations decode
 * only the types the work definitions declare.
 */
public interface PayloadCodec {

  /** The name that travels in envelopes: {@code kryo} or {@code json}. */
  String name();

  byte[] encodeArguments(WorkDefinition<?, ?> work, Record arguments);

  Record decodeArguments(WorkDefinition<?, ?> work, byte[] bytes);

  byte[] encodeResult(WorkDefinition<?, ?> work, Object result);

  Object decodeResult(WorkDefinition<?, ?> work, byte[] bytes);
}
