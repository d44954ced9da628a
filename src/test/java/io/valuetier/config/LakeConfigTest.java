package io.valuetier.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import java.io.File;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** tiering.lake.type: embedded, rest (which needs an address) and custom; nothing else. */
class LakeConfigTest {

  @Test
  void restCatalogTakesItsAddressFromTheProperties() {
    TieringConfig.Lake lake = TieringConfig.parse(
        "tiering.lake { type = rest, properties { uri = \"http://127.0.0.1:8181\" } }").lake();
    assertTrue(lake.rest());
    assertFalse(lake.embedded());
    assertEquals(Map.of("uri", "http://127.0.0.1:8181"), lake.properties());
  }

  @Test
  void restCatalogWithoutAnAddressIsRefused() {
    TieringException e = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.lake.type = rest"));
    assertEquals("tiering.lake.type = rest needs the catalog's address in tiering.lake.properties.uri,"
        + " e.g. http://127.0.0.1:8181", e.getMessage());
  }

  @Test
  void unknownTypeNamesTheThreeThatExist() {
    TieringException e = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.lake.type = glue"));
    assertEquals("tiering.lake.type must be embedded, rest or custom, got glue", e.getMessage());
  }

  @Test
  void clusterExampleUsesTheRestCatalog() {
    TieringConfig.Lake lake = TieringConfig.load(Optional.of(new File("conf/cluster.conf"))).lake();
    assertTrue(lake.rest());
    assertEquals("http://iceberg-rest.internal:8181", lake.properties().get("uri"));
  }

  @Test
  void defaultIsTheEmbeddedCatalog() {
    TieringConfig.Lake lake = TieringConfig.parse("").lake();
    assertTrue(lake.embedded());
    assertFalse(lake.rest());
  }
}
