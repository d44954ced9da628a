package io.valuetier.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.valuetier.TieringException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A key under tiering that defaults.conf does not know stops the run (issue 14). */
class UnknownKeysTest {
  @TempDir Path dir;

  static Stream<Arguments> misspelled() {
    return Stream.of(
        Arguments.of("tiering.windwo-days = 30", "tiering.windwo-days", "tiering.window-days"),
        Arguments.of("tiering.lake.typ = custom", "tiering.lake.typ", "tiering.lake.type"),
        Arguments.of("tiering { input { schema-drfit = fail } }", "tiering.input.schema-drfit", "tiering.input.schema-drift"),
        Arguments.of("tiering.segmentation.kmax = 9", "tiering.segmentation.kmax", "tiering.segmentation.k-max"),
        Arguments.of("tiering.timezone = UTC", "tiering.timezone", "tiering.time-zone"),
        Arguments.of("tiering.quality.max-rejected-shares = 0.1", "tiering.quality.max-rejected-shares",
            "tiering.quality.max-rejected-share"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("misspelled")
  void unknownKeyNamesItsFileLineAndTheClosestKey(String hocon, String key, String closest) throws Exception {
    File conf = dir.resolve("local.conf").toFile();
    Files.writeString(conf.toPath(), "# my settings\ntiering.spark.shuffle-partitions = 4\n" + hocon + "\n");
    TieringException e = assertThrows(TieringException.class, () -> TieringConfig.load(Optional.of(conf)));
    assertEquals("configuration error: unknown key " + key + " (" + conf.getName() + ", line 3); did you mean "
        + closest + "?", e.getMessage().replace(conf.getPath(), conf.getName()));
  }

  @Test
  void textWithoutAFileIsNamedAsSuch() {
    TieringException e = assertThrows(TieringException.class, () -> TieringConfig.parse("tiering.windwo-days = 30"));
    assertEquals("configuration error: unknown key tiering.windwo-days (String: 1); did you mean tiering.window-days?",
        e.getMessage());
  }

  @Test
  void openObjectsTakeAnyKey() {
    TieringConfig c = TieringConfig.parse(String.join("\n",
        "tiering.input.columns { CustomerID = x, \"Order Date\" = y }",
        "tiering.lake.properties { uri = \"http://x\", \"io-impl\" = y }",
        "tiering.treatments.rfm { Champions = \"Reward them\" }",
        "tiering.treatments.segment.Whales = \"Call daily\"",
        "tiering.segmentation.names { \"9\" = [a, b, c, d, e, f, g, h, i] }",
        "tiering.scoring.weights { spend = 4, frequency = 3, recency = 2, margin = 1 }",
        // List elements are values of the list, never checked key by key.
        "tiering.scoring.indicators = [{ name = spend, column = monetary, method = percentile, anything = 1 },",
        "  { name = frequency, column = frequency, method = percentile },",
        "  { name = recency, column = recency_days, method = percentile, higher-is-better = false },",
        "  { name = margin, column = margin, method = percentile }]",
        "akka.unrelated = 1"));
    assertEquals("Reward them", c.treatments().get("rfm").get("Champions"));
    assertEquals("x", c.input().columns().get("CustomerID"));
  }

  @Test
  void editDistanceCountsSingleCharacterEdits() {
    // windwo -> window: two substitutions (w->o, o->w); kitten -> sitting: the textbook 3.
    assertEquals(2, TieringConfig.editDistance("windwo", "window"));
    assertEquals(3, TieringConfig.editDistance("kitten", "sitting"));
    assertEquals(0, TieringConfig.editDistance("", ""));
  }
}
