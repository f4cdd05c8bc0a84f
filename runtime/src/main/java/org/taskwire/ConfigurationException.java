package org.taskwire;

/**
 * A configuration value is missing, unknown or malformed. The message names the key, the value
 * and where it came from (annotation, file, environment, system property or code).
 */
public final class ConfigurationException extends TaskwireException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
