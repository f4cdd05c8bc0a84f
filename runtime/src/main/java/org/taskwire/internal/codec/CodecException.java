package org.taskwire.internal.codec;

import org.taskwire.TaskwireException;

/** A value could not be encoded or decoded; the message says which value and why. */
public final class CodecException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
