package org.taskwire.dashboard;

import java.util.Map;
import java.util.Objects;

/**
 * What a page follows, a run or a study: read again at each poll, its page sent once per version.
 * A feed counts a new version whenever what it shows changes, its error included, so that a page
 * learns as soon as its run or study can no longer be read, and again when it can.
 */
abstract class Feed {
  private long version;
  private String error;

  /** Reads what changed; whether the page did. */
  abstract boolean refresh();

  /** What the page shows, as JSON. */
  abstract Map<String, Object> page();

  /** Counts the changes the page saw. */
  final synchronized long version() {
    return version;
  }

  /** Why the last read failed, or null. */
  final synchronized String error() {
    return error;
  }

  /** A read that changed what the page shows: a new version, without error. */
  protected final synchronized void changed() {
    version++;
    error = null;
  }

  /** A read that failed; a new version, and true, if that is news. */
  protected final synchronized boolean failed(String why) {
    if (Objects.equals(why, error)) {
      return false;
    }
    error = why;
    version++;
    return true;
  }
}
