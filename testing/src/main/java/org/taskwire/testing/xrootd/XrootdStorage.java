package org.taskwire.testing.xrootd;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An XRootD storage element on this machine, for tests of files kept on one: enable them with
 * {@code @EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts",
 * disabledReason = XrootdStorage.NOT_HERE)} and set {@code taskwire.data.url} to
 * {@link #HTTP_DOOR} (plus a directory of your own). Where none answers but Debian's
 * {@code xrootd-server} and {@code xrootd-server-plugins} are installed and the tests run as root,
 * that starts one: anonymous, {@code root://127.0.0.1:11094//taskwire/} and its WebDAV door, run as
 * a system user of its own since XRootD refuses to run as root.
 */
public final class XrootdStorage {
  /** The element's HTTP (WebDAV) door. */
  public static final String HTTP_DOOR = "http://127.0.0.1:18080/taskwire/";
  /** The same files over XRootD's own protocol. */
  public static final String ROOT_DOOR = "root://127.0.0.1:11094//taskwire/";
  /** Why storage element tests are skipped here. */
  public static final String NOT_HERE = "no XRootD storage element answers at " + HTTP_DOOR + ", and none could be "
      + "started: that needs Debian's xrootd-server and xrootd-server-plugins (apt-get install xrootd-server "
      + "xrootd-server-plugins) and the tests run as root";
  private static final org.taskwire.testing.internal.BundledService SERVICE = new org.taskwire.testing.internal.BundledService(
      "an XRootD storage element", XrootdStorage.class, "start-xrootd.sh", List.of(Path.of("/usr/bin/xrootd")), 60,
      XrootdStorage::answers);

  private XrootdStorage() {}

  /** Whether the element answers, after starting one if none does and this machine can. */
  public static boolean answersOrStarts() {
    return SERVICE.answersOrStarts();
  }

  /** Whether the HTTP door answers within 5 s. */
  public static boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(HTTP_DOOR).toURL().openConnection();
      c.setConnectTimeout((int) Duration.ofSeconds(5).toMillis());
      c.setReadTimeout((int) Duration.ofSeconds(5).toMillis());
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

}
