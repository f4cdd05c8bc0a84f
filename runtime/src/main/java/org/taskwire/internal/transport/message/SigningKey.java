package org.taskwire.internal.transport.message;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-run HMAC-SHA256 key that signs results. It reaches workers through their environment
 * ({@value #ENVIRONMENT}) or PanDA user secrets, never through job parameters or the sandbox.
 */
public final class SigningKey {
  /** The environment variable a worker reads the key from, base64. */
  public static final String ENVIRONMENT = "TASKWIRE_SIGNING_KEY";

  private final byte[] key;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private SigningKey(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a signing key needs at least 128 bits, got " + key.length * 8);
    }
    this.key = key.clone();
  }

  /** A fresh random 256-bit key. */
  public static SigningKey generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new SigningKey(bytes);
  }

  public static SigningKey fromBase64(String text) {
    try {
      return new SigningKey(Base64.getDecoder().decode(text.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed signing key: " + e.getMessage(), e);
    }
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(key);
  }

  /** HMAC-SHA256 of the data. */
  public byte[] sign(byte[] data) {
    // A Mac is not thread-safe and costs far more to look up and key than to use: one per thread.
    return macs.get().doFinal(data);
  }

  /** Whether the signature is this key's signature of the data; constant time. */
  public boolean verify(byte[] data, byte[] signature) {
    return signature != null && MessageDigest.isEqual(sign(data), signature);
  }

  @Override
  public String toString() {
    return "SigningKey[hidden]";
  }
}
