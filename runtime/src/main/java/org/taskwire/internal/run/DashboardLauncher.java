package org.taskwire.internal.run;

import java.net.URI;
import java.nio.file.Path;

/**
 * What starts the run dashboard from a running client ({@code taskwire.ui=true}): the
 * {@code taskwire-dashboard} module's, found through {@link java.util.ServiceLoader}, so that the
 * runtime carries no web server of its own.
 */
public interface DashboardLauncher {
  /** Serves the runs of {@code runsDirectory}; the address opens run {@code runId}'s page. */
  Served start(Path runsDirectory, String runId);

  /** A dashboard being served. */
  interface Served extends AutoCloseable {
    /** The run's page, with the token. */
    URI address();

    @Override
    void close();
  }
}
