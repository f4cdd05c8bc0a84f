package org.taskwire.testing.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * Files kept on a real XRootD storage element, reached through its WebDAV door: local workers
 * upload what they return and fetch what they take; the test reads and tampers with the files over
 * HTTP, as any other client of the element would.
 */
@EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts", disabledReason = XrootdStorage.NOT_HERE)
class DataFilesXrootdTest extends DataFilesContract {
  private static final String KEPT = XrootdStorage.HTTP_DOOR + "tests/";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(FileStepsTasks::builder).backend("local")
      .set("taskwire.local.workers", "2").set("taskwire.data.url", KEPT);

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
