package org.taskwire.testing.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * The files contract with the files kept on the XRootD storage element: the test reads and tampers
 * with them over its HTTP door, as any other client of the element would. A subclass opens the run,
 * with {@code taskwire.data.url} set to {@link #KEPT}.
 */
abstract class DataFilesOverHttp extends DataFilesContract {
  /** Where these tests keep their files on the element. */
  static final String KEPT = XrootdStorage.HTTP_DOOR + "tests/";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Override
  protected String keptUnder() {
    return KEPT;
  }

  @Override
  protected byte[] bytesOf(String uri) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode() == 404 ? null : r.body();
  }

  @Override
  protected void overwrite(String uri, String content) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(uri)).PUT(HttpRequest.BodyPublishers.ofString(content)).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  @Override
  protected void remove(String uri) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(uri)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
  }
}
