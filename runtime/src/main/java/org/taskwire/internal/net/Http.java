package org.taskwire.internal.net;

import okhttp3.OkHttpClient;

/**
 * The one OkHttp client of a JVM, as OkHttp advises: its connection pool and dispatcher are
 * shared, and each use derives its own timeouts and TLS from it with {@code newBuilder()}. Its
 * sockets send without delay (TCP_NODELAY), which small requests and long polls need.
 */
public final class Http {
  private static final OkHttpClient SHARED = new OkHttpClient.Builder().socketFactory(new NoDelaySockets()).build();

  private Http() {}

  /** The shared client; derive with {@code newBuilder()} rather than building a new one. */
  public static OkHttpClient shared() {
    return SHARED;
  }
}
