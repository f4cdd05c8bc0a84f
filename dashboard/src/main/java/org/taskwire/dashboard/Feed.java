package org.taskwire.dashboard;

import java.util.Map;

/** What a page follows, a run or a study: read again at each poll, its page sent once per version. */
interface Feed {
  /** Reads what changed; whether the page did. */
  boolean refresh();

  /** Counts the changes the page saw. */
  long version();

  /** What the page shows, as JSON. */
  Map<String, Object> page();
}
