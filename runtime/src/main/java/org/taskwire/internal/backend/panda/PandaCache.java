package org.taskwire.internal.backend.panda;

import java.io.IOException;
import java.util.Optional;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxUploader;

/**
 * PanDA's file cache as a sandbox store: {@code validate_cache_file} (size and gzip CRC) before
 * {@code upload_cache_file}. Sandbox names are content hashes, so a name the cache refuses to
 * overwrite already holds this content.
 */
final class PandaCache implements SandboxUploader {
  private final PandaApi api;

  PandaCache(PandaApi api) {
    this.api = api;
  }

  @Override
  public boolean holds(Sandbox sandbox) throws IOException {
    Optional<PandaApi.CachedFile> found = api.validateCacheFile(sandbox.bytes(), PandaApi.gzipChecksum(sandbox.file()));
    // A same-size, same-CRC file under another name is not this sandbox: jobs fetch by name.
    return found.isPresent() && found.get().fileName().equals(sandbox.file().getFileName().toString());
  }

  @Override
  public void upload(Sandbox sandbox) {
    api.uploadCacheFile(sandbox.file());
  }
}
