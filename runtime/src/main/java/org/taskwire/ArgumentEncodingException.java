package org.taskwire;

/**
 * An argument of a work call cannot be encoded for travel, for example because it holds an object
 * of a class the work method does not declare. Thrown by the proxy at the call site, before
 * anything is submitted; the message names the work method and the parameter.
 */
public final class ArgumentEncodingException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  public ArgumentEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
