package org.taskwire.internal.backend.panda;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.taskwire.ConfigurationException;

/**
 * Where PanDA is and how to log in, read from the standard PanDA client environment
 * ({@code PANDA_URL_SSL}, {@code PANDACACHE_URL}, {@code PANDA_AUTH}, {@code PANDA_AUTH_VO},
 * {@code PANDA_CONFIG_ROOT}, {@code X509_USER_PROXY}, {@code X509_CERT_DIR}), each overridable by a
 * {@code taskwire.panda.*} key, so a user's existing PanDA setup script just works. Only
 * scheme://host:port of the URLs is used: v1 calls go to {@code /api/v1/<module>/<method>}.
 */
public record PandaSettings(URI server, URI cache, Auth auth, String vo, Path configRoot, Path x509Proxy,
    Path x509CertDir, boolean verifyTls) {

  /** How requests authenticate. */
  public enum Auth {
    /** {@code Authorization: Bearer <id token>} and {@code Origin: <vo>}. */
    OIDC,
    /** The X509 proxy file as client certificate (PanDA's default). */
    X509,
    /** No credentials: for the emulator in tests. */
    NONE
  }

  private static final String DEFAULT_SERVER = "https://pandaserver.cern.ch";
  private static final String DEFAULT_CACHE = "https://pandacache.cern.ch";

  /**
   * Reads the settings.
   *
   * @param config a {@code taskwire.panda.*} key to its value, or null when unset
   * @param env the process environment
   */
  public static PandaSettings read(Function<String, String> config, Map<String, String> env) {
    String server = first(config.apply(PandaBackendProvider.URL.name()), env.get("PANDA_URL_SSL"), DEFAULT_SERVER);
    String cache = first(config.apply(PandaBackendProvider.CACHE_URL.name()), env.get("PANDACACHE_URL"), server);
    String auth = first(config.apply(PandaBackendProvider.AUTH.name()), env.get("PANDA_AUTH"), "x509");
    String vo = first(config.apply(PandaBackendProvider.VO.name()), env.get("PANDA_AUTH_VO"), env.get("OIDC_AUTH_VO"));
    String root = first(config.apply(PandaBackendProvider.CONFIG_ROOT.name()), env.get("PANDA_CONFIG_ROOT"),
        Path.of(System.getProperty("user.home"), ".pathena").toString());
    String proxy = first(config.apply(PandaBackendProvider.X509_PROXY.name()), env.get("X509_USER_PROXY"),
        "/tmp/x509up_u" + uid());
    String certDir = first(config.apply(PandaBackendProvider.X509_CERT_DIR.name()), env.get("X509_CERT_DIR"),
        "/etc/grid-security/certificates");
    boolean verify = !"false".equalsIgnoreCase(first(config.apply(PandaBackendProvider.VERIFY_TLS.name()), null, "true"));
    Auth mode = switch (auth.toLowerCase(Locale.ROOT)) {
      case "oidc" -> Auth.OIDC;
      case "x509", "x509_no_grid" -> Auth.X509;
      case "none" -> Auth.NONE;
      default -> throw new ConfigurationException("PanDA authentication '" + auth + "' (PANDA_AUTH or "
          + "taskwire.panda.auth) is not one of oidc, x509, none");
    };
    if (mode == Auth.OIDC && (vo == null || vo.isBlank())) {
      throw new ConfigurationException("OIDC authentication needs a VO: set PANDA_AUTH_VO (or taskwire.panda.vo), "
          + "e.g. PANDA_AUTH_VO=EIC");
    }
    return new PandaSettings(base(server, "PANDA_URL_SSL"), base(cache, "PANDACACHE_URL"), mode, vo,
        Path.of(root.startsWith("~/") ? System.getProperty("user.home") + root.substring(1) : root),
        Path.of(proxy), Path.of(certDir), verify);
  }

  /** scheme://host:port of a PanDA URL such as {@code https://host/server/panda}. */
  static URI base(String url, String what) {
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("malformed PanDA URL '" + url + "' (" + what + "): " + e.getMessage(), e);
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static String uid() {
    try {
      Object uid = java.nio.file.Files.getAttribute(Path.of(System.getProperty("user.home")), "unix:uid");
      return String.valueOf(uid);
    } catch (Exception e) {
      return "0";
    }
  }
}
