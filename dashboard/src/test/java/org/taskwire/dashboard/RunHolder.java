package org.taskwire.dashboard;

import java.nio.file.Path;
import org.taskwire.internal.journal.RunDirectory;

/** A process that holds a run open as its client does (the run directory's lock), until it is killed. */
public final class RunHolder {
  private RunHolder() {}

  public static void main(String[] args) throws Exception {
    RunDirectory.at(Path.of(args[0])).lock();
    System.out.println("holding");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
