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

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Serve https with this certificate (and --tls-key) instead of http, with X.509 authentication.")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert.")
  java.nio.file.Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "PEM",
      description = "The authorities client certificates must be signed by (a file or a directory).")
  java.nio.file.Path clientCa;

  @Option(names = "--x509-identity", paramLabel = "ACCOUNT:SUBJECT",
      description = "A client certificate's subject (RFC 2253, e.g. CN=Alice,OU=Users) and its account; repeatable.")
  List<String> identities = new ArrayList<>();

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
    RucioEmulator.Settings settings = new RucioEmulator.Settings(port, passwords, fixed, elements, Duration.ofHours(1));
    if (tlsCert != null || tlsKey != null || clientCa != null || !identities.isEmpty()) {
      if (tlsCert == null || tlsKey == null || clientCa == null) {
        System.err.println("https needs --tls-cert, --tls-key and --client-ca together");
        return 2;
      }
      Map<String, String> byDn = new LinkedHashMap<>();
      for (String identity : identities) {
        int colon = identity.indexOf(':');
        if (colon <= 0 || colon == identity.length() - 1) {
          System.err.println("--x509-identity expects ACCOUNT:SUBJECT, got '" + identity + "'");
          return 2;
        }
        byDn.put(identity.substring(colon + 1), identity.substring(0, colon));
      }
      settings = settings.withX509(new RucioEmulator.X509(tlsCert, tlsKey, clientCa, byDn));
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (RucioEmulator emulator = RucioEmulator.start(settings)) {
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
