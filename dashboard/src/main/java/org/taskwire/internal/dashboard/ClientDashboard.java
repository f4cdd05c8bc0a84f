package org.taskwire.internal.dashboard;

import java.net.URI;
import java.nio.file.Path;
import org.taskwire.dashboard.Dashboard;
import org.taskwire.internal.run.DashboardLauncher;

/** The dashboard a running client serves with {@code taskwire.ui=true}: found by the runtime through ServiceLoader. */
public final class ClientDashboard implements DashboardLauncher {
  @Override
  public Served start(Path runsDirectory, String runId) {
    Dashboard dashboard = Dashboard.start(runsDirectory);
    URI page = URI.create("http://127.0.0.1:" + dashboard.port() + "/runs/" + runId + "?token=" + dashboard.token());
    return new Served() {
      @Override
      public URI address() {
        return page;
      }

      @Override
      public void close() {
        dashboard.close();
      }
    };
  }
}
