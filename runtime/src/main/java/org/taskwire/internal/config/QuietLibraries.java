package org.taskwire.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Libraries Taskwire embeds (ActiveMQ's broker, the dashboard's Jetty and Javalin) are details of
 * its own: their start and stop chatter (a dozen INFO lines each) is no news to the user. With
 * slf4j-simple a logger's level comes from system properties and {@code simplelogger.properties},
 * read when the logger is made, so a library's loggers are set to WARN unless either names a level
 * for them. Other bindings take the user's own configuration.
 */
public final class QuietLibraries {
  private static final String PREFIX = "org.slf4j.simpleLogger.log.";

  private QuietLibraries() {}

  /** Sets each logger (a package, such as {@code org.eclipse.jetty}) to WARN, unless the user named a level for it. */
  public static void quietUnlessAsked(String... loggers) {
    Properties configured = new Properties();
    try (InputStream in = ClassLoader.getSystemResourceAsStream("simplelogger.properties")) {
      if (in != null) {
        configured.load(in);
      }
    } catch (IOException | IllegalArgumentException e) {
      // unreadable: as if absent
    }
    for (String logger : loggers) {
      String key = PREFIX + logger;
      if (System.getProperty(key) == null && configured.getProperty(key) == null) {
        System.setProperty(key, "warn");
      }
    }
  }
}
