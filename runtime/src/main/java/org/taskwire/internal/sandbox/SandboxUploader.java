package org.taskwire.internal.sandbox;

import java.io.IOException;

/**
 * A backend's remote store of sandboxes (PanDA's cache, a shared file system...). Identical
 * content is never sent twice: {@link #holds} is asked first.
 */
public interface SandboxUploader {
  /** Whether the store already holds a sandbox with this content. */
  boolean holds(Sandbox sandbox) throws IOException;

  /** Uploads the sandbox. */
  void upload(Sandbox sandbox) throws IOException;

  /** Uploads the sandbox unless the store already holds it; true if it was uploaded. */
  default boolean publish(Sandbox sandbox) throws IOException {
    if (holds(sandbox)) {
      return false;
    }
    upload(sandbox);
    return true;
  }
}
