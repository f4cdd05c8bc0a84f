package org.taskwire.internal.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * How Taskwire retries an HTTP request: after an I/O error, or an answer that means "try later"
 * (429, 502, 503, 504), up to {@code attempts} in all, waiting {@code firstBackoff} and then twice
 * as long each time. Any other answer is the caller's to judge, on the first attempt. An
 * interrupted thread is not retried: its error, or an {@link InterruptedIOException}, comes back
 * with the thread's interrupt flag set.
 */
public record RetryPolicy(int attempts, Duration firstBackoff) {
  private static final Set<Integer> TRY_LATER = Set.of(429, 502, 503, 504);

  /** What the caller may say about each retry, e.g. log it. */
  @FunctionalInterface
  public interface RetryListener {
    void retrying(String why, Duration wait);
  }

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
  }

  /**
   * Runs the request until an answer that is not "try later", or the last attempt's answer.
   *
   * @return the response, for the caller to read and close
   * @throws IOException the last attempt's I/O error
   */
  public Response execute(OkHttpClient http, Request request, RetryListener listener) throws IOException {
    Duration wait = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted before " + request.url() + " was requested");
      }
      String why;
      try {
        Response response = http.newCall(request).execute();
        if (!TRY_LATER.contains(response.code()) || attempt >= attempts) {
          return response;
        }
        why = "HTTP " + response.code();
        response.close();
      } catch (IOException e) {
        // An interrupted caller wants to stop, not to wait for another try.
        if (attempt >= attempts || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        why = e.getMessage();
      }
      listener.retrying(why, wait);
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to retry " + request.url());
      }
      wait = wait.multipliedBy(2);
    }
  }
}
