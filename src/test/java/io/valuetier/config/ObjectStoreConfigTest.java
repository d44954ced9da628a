package io.valuetier.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tiering.object-store: where the store is and how soon to give up; credentials are refused. */
class ObjectStoreConfigTest {

  @Test
  void settingsReachBothConnectors() {
    ObjectStore store = TieringConfig.parse("tiering.object-store { endpoint = \"http://127.0.0.1:9000\", "
        + "region = eu-west-1, path-style-access = true, connect-timeout-seconds = 2, attempts = 4 }").objectStore();
    Map<String, String> hadoop = store.hadoopSettings();
    assertEquals("http://127.0.0.1:9000", hadoop.get("fs.s3a.endpoint"));
    assertEquals("eu-west-1", hadoop.get("fs.s3a.endpoint.region"));
    assertEquals("true", hadoop.get("fs.s3a.path.style.access"));
    assertEquals("2s", hadoop.get("fs.s3a.connection.establish.timeout"));
    assertEquals("4", hadoop.get("fs.s3a.attempts.maximum"));
    // s3:// paths (the warehouse URI the lake's tables use) go through S3A too.
    assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", hadoop.get("fs.s3.impl"));
    Map<String, String> catalog = store.catalogProperties();
    assertEquals("http://127.0.0.1:9000", catalog.get("s3.endpoint"));
    assertEquals("eu-west-1", catalog.get("client.region"));
    assertEquals("true", catalog.get("s3.path-style-access"));
    assertEquals("2000", catalog.get("http-client.apache.connection-timeout-ms"));
    assertEquals("3", catalog.get("s3.retry.num-retries")); // 4 attempts = the first and 3 retries
  }

  @Test
  void whereTheLakeLivesDoesNotChangeTheConfigHash() {
    String local = TieringConfig.parse("").hash();
    assertEquals(local, TieringConfig.parse("tiering.object-store { endpoint = \"http://127.0.0.1:9000\" }\n"
        + "tiering.lake { type = rest, namespace = other, properties { uri = \"http://127.0.0.1:8181\" } }").hash());
    // A grading setting does.
    assertFalse(local.equals(TieringConfig.parse("tiering.segmentation.seed = 43").hash()));
  }

  @Test
  void defaultsAreAwsS3OfTheEnvironmentsRegion() {
    ObjectStore store = TieringConfig.parse("").objectStore();
    assertEquals("", store.endpoint());
    assertFalse(store.hadoopSettings().containsKey("fs.s3a.endpoint"));
    assertFalse(store.catalogProperties().containsKey("client.region"));
  }

  @Test
  void credentialsInTheCatalogPropertiesAreRefused() {
    for (String key : new String[] {"s3.secret-access-key", "s3.access-key-id", "fs.s3a.secret.key"}) {
      TieringException e = assertThrows(TieringException.class, () -> TieringConfig.parse(
          "tiering.lake { type = custom, properties { \"" + key + "\" = \"wJalrXUtnFEMI\" } }"));
      assertTrue(e.getMessage().startsWith("configuration error: tiering.lake.properties." + key + " holds a credential"),
          e.getMessage());
      assertFalse(e.getMessage().contains("wJalrXUtnFEMI"), e.getMessage());
    }
  }

  @Test
  void anEndpointMustBeAnHttpUrlWithoutCredentials() {
    assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.object-store.endpoint = \"127.0.0.1:9000\""));
    TieringException e = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.object-store.endpoint = \"http://key:secret@127.0.0.1:9000\""));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void locationsOnTheStore() {
    assertTrue(ObjectStore.isObjectStore("s3://lake/tiering"));
    assertTrue(ObjectStore.isObjectStore("S3A://raw/sales"));
    assertFalse(ObjectStore.isObjectStore("/data/sales"));
    assertFalse(ObjectStore.isObjectStore("hdfs:///raw/sales"));
    assertEquals("raw", ObjectStore.bucket("s3a://raw/sales/transactions"));
    assertEquals("sales/transactions", ObjectStore.key("s3a://raw/sales/transactions/"));
    assertEquals("", ObjectStore.key("s3://lake"));
  }
}
