package io.valuetier.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import org.junit.jupiter.api.Test;

/**
 * The object store's preflight without a store: a closed port fails within seconds with one
 * message, and an embedded lake is refused on the store. The store's own answers (missing bucket,
 * wrong credentials) are checked against a real S3 server by jobs/integration-test.sh.
 */
class ObjectStorePreflightTest {
  /** A port nothing listens on: 127.0.0.1 refuses at once. */
  private static final TieringConfig CLOSED = TieringConfig.parse("tiering { lake { type = rest, properties { uri = "
      + "\"http://127.0.0.1:1\" } }, object-store { endpoint = \"http://127.0.0.1:1\", region = us-east-1, "
      + "path-style-access = true, attempts = 1 } }");

  @Test
  void anUnreachableStoreFailsFastNamingIt() {
    // Credentials by the SDK's system properties (the chain's first link), so the client gets as far as connecting.
    System.setProperty("aws.accessKeyId", "test-key");
    System.setProperty("aws.secretAccessKey", "test-secret");
    long started = System.nanoTime();
    TieringException e;
    try {
      e = assertThrows(TieringException.class, () -> Preflight.inputs(CLOSED, "s3a://raw/sales"));
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    assertTrue((System.nanoTime() - started) / 1e9 < 10, "took too long");
    assertTrue(e.getMessage().startsWith("input table transactions: the object store http://127.0.0.1:1 is unreachable"
        + " for s3a://raw/sales/transactions"), e.getMessage());
  }

  @Test
  void noCredentialsSaySo() {
    TieringException e = assertThrows(TieringException.class, () -> Preflight.warehouse(CLOSED, "s3://lake/tiering"));
    assertTrue(e.getMessage().startsWith("warehouse: no credentials for http://127.0.0.1:1 in the environment"),
        e.getMessage());
  }

  @Test
  void theEmbeddedCatalogCannotLiveOnTheStore() {
    TieringException e = assertThrows(TieringException.class,
        () -> Preflight.warehouse(TieringConfig.parse(""), "s3://lake/tiering"));
    assertTrue(e.getMessage().contains("the embedded catalog keeps its SQLite file in the warehouse folder"), e.getMessage());
  }
}
