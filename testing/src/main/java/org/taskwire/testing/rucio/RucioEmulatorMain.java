package org.taskwire.testing.rucio;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -cp taskwire-panda-emulator.jar org.taskwire.testing.rucio.RucioEmulatorMain}: a Rucio emulator until Ctrl-C. */
@Command(name = "taskwire-rucio-emulator", mixinStandardHelpOptions = true,
    description = "Runs a Rucio server emulator whose storage elements are the doors given.")
public final class RucioEmulatorMain implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "25180", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--rse", paramLabel = "NAME=URL[,URL...]", required = true,
      description = "A storage element and its doors, preferred first (root://, https://, davs://, http://, file://); repeatable.")
  List<String> rses = new ArrayList<>();

  @Option(names = "--user", paramLabel = "ACCOUNT=PASSWORD", defaultValue = "taskwire=secret",
      description = "An account for userpass authentication; repeatable (default: ${DEFAULT-VALUE}).")
  List<String> users = new ArrayList<>();

  @Option(names = "--token", paramLabel = "TOKEN=ACCOUNT",
      description = "A fixed token (an OIDC access token) and its account; repeatable.")
  List<String> tokens = new ArrayList<>();

  @Option(names = "--log-requests", description = "Print each request: method, path, query, Accept and body.")
  boolean logRequests;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RucioEmulatorMain()).execute(args));
  }

  @Override
  public Integer call() {
    List<RucioEmulator.StorageElement> elements = new ArrayList<>();
    for (String r : rses) {
      String[] kv = pair(r, "--rse", "NAME=URL[,URL...]");
      if (kv == null) {
        return 2;
      }
      elements.add(RucioEmulator.StorageElement.at(kv[0],
          java.util.Arrays.stream(kv[1].split(",")).map(URI::create).toArray(URI[]::new)));
    }
    Map<String, String> passwords = new LinkedHashMap<>();
    for (String u : users) {
      String[] kv = pair(u, "--user", "ACCOUNT=PASSWORD");
      if (kv == null) {
        return 2;
      }
      passwords.put(kv[0], kv[1]);
    }
    Map<String, String> fixed = new LinkedHashMap<>();
    for (String t : tokens) {
      String[] kv = pair(t, "--token", "TOKEN=ACCOUNT");
      if (kv == null) {
        return 2;
      }
      fixed.put(kv[0], kv[1]);
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (RucioEmulator emulator = RucioEmulator.start(
        new RucioEmulator.Settings(port, passwords, fixed, elements, Duration.ofHours(1)))) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        emulator.close();
        stop.countDown();
      }, "rucio-emulator-stop"));
      if (logRequests) {
        emulator.logRequests(System.out::println);
      }
      String account = passwords.keySet().iterator().next();
      System.out.println("Rucio emulator on " + emulator.url());
      System.out.println("  rucio.cfg: [client] rucio_host = " + emulator.url() + ", auth_host = " + emulator.url()
          + ", auth_type = userpass, username = " + account + ", password = " + passwords.get(account)
          + ", account = " + account + "; [trace] trace_host = " + emulator.url());
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static String[] pair(String s, String option, String shape) {
    int eq = s.indexOf('=');
    if (eq <= 0 || eq == s.length() - 1) {
      System.err.println(option + " expects " + shape + ", got '" + s + "'");
      return null;
    }
    return new String[] {s.substring(0, eq), s.substring(eq + 1)};
  }
}
