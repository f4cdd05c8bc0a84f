package org.taskwire.internal.net;

import okhttp3.OkHttpClient;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * The one OkHttp client of a run, as OkHttp advises: its connection pool and dispatcher are
 * shared, and each use derives its own timeouts and TLS from it with {@code newBuilder()}. Its
 * sockets send without delay (TCP_NODELAY), which small requests and long polls need. When the
 * run closes, its dispatcher's threads stop and its idle connections close; the next use makes
 * a new client.
 */
public final class Http {
  private static OkHttpClient shared;

  private Http() {}

  /** The shared client; derive with {@code newBuilder()} rather than building a new one. */
  public static synchronized OkHttpClient shared() {
    if (shared == null) {
      OkHttpClient client = new OkHttpClient.Builder().socketFactory(new NoDelaySockets()).build();
      shared = client;
      DaemonThreads.onRelease(() -> stop(client));
    }
    return shared;
  }

  private static void stop(OkHttpClient client) {
    synchronized (Http.class) {
      if (shared == client) {
        shared = null;
      }
    }
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
