package org.taskwire.testing.panda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar taskwire-panda-emulator.jar --port N}: a PanDA emulator until Ctrl-C. */
@Command(name = "taskwire-panda-emulator", mixinStandardHelpOptions = true,
    description = "Runs a PanDA server emulator whose pilots run jobs on this machine.")
public final class PandaEmulatorMain implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "25080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--dir", description = "Cache and job directories (default: a new temporary directory).")
  Path dir;

  @Option(names = "--pilots", defaultValue = "2", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
  int pilots;

  @Option(names = "--token", paramLabel = "USER=TOKEN",
      description = "A user and the bearer token that identifies it; repeatable. Without any, the server is open.")
  List<String> tokens = List.of();

  @Option(names = "--vo", defaultValue = "wlcg", description = "The VO tokens must name in Origin (default: ${DEFAULT-VALUE}).")
  String vo;

  @Option(names = "--rucio", paramLabel = "URL",
      description = "A Rucio for tasks with input and output datasets (e.g. the Rucio emulator's URL).")
  java.net.URI rucio;

  @Option(names = "--rucio-account", defaultValue = "taskwire=secret", paramLabel = "ACCOUNT=PASSWORD",
      description = "The server's account and password in that Rucio (default: taskwire=secret, the Rucio emulator's).")
  String rucioAccount;

  @Option(names = "--rse", description = "The storage element pilots stage outputs out to, as Rucio names it.")
  String rse;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PandaEmulatorMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> users = new LinkedHashMap<>();
    for (String t : tokens) {
      int eq = t.indexOf('=');
      if (eq <= 0) {
        System.err.println("--token expects USER=TOKEN, got '" + t + "'");
        return 2;
      }
      users.put(t.substring(eq + 1), t.substring(0, eq));
    }
    Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("panda-emulator");
    PandaEmulator.Settings settings = new PandaEmulator.Settings(port, root, users, vo, pilots, Duration.ofMillis(500),
        Duration.ofMillis(200));
    if (rucio != null) {
      String account = rucioAccount.contains("=") ? rucioAccount : rucioAccount + "=secret";
      if (rse == null || account.indexOf('=') <= 0) {
        System.err.println("--rucio needs --rse, the storage element pilots stage outputs out to, and --rucio-account "
            + "ACCOUNT=PASSWORD");
        return 2;
      }
      settings = settings.withRucio(new PandaEmulator.RucioSettings(rucio, account.substring(0, account.indexOf('=')),
          account.substring(account.indexOf('=') + 1), rse));
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (PandaEmulator emulator = PandaEmulator.start(settings)) {
      // SIGTERM and Ctrl-C run the hooks and then halt: the jobs' processes must be killed inside
      // the hook, as the main thread may never get past the latch.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        emulator.close();
        stop.countDown();
      }, "panda-emulator-stop"));
      System.out.println("PanDA emulator on " + emulator.url() + " (work in " + root + ")");
      System.out.println("  export PANDA_URL_SSL=" + emulator.url() + " PANDACACHE_URL=" + emulator.url()
          + (users.isEmpty() ? " PANDA_AUTH=none" : " PANDA_AUTH=oidc PANDA_AUTH_VO=" + vo + " PANDA_AUTH_ID_TOKEN=<token>"));
      stop.await();
    }
    return 0;
  }
}
