package org.taskwire.internal.transport;

/** Which channel delivered a result, as a worker reports it. */
public enum Delivery {
  /** A broker confirmed the message with a receipt. */
  STOMP,
  /** The HTTP relay stored the message. */
  RELAY,
  /** No channel took it. */
  NONE
}
