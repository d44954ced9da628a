package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** "Stability from night to night" (docs/methods.md) on a hand-made pair of snapshots; defaults: 30 % monetary change, 90 days idle, 5 points past a boundary. */
class TierStabilityTest {
  private static final TieringConfig DEFAULTS = TieringConfig.load(Optional.empty());
  /** The segment tiers of the fixture, best first (the default names for k = 5). */
  private static final java.util.List<String> RANKED = java.util.List.of("Top", "Important", "Ordinary", "Small", "Dormant");
  private static final StructType CURRENT = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.COMPUTED_TIER, DataTypes.StringType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.VALUE_SCORE, DataTypes.DoubleType)
      .add(Columns.VALUE_GRADE, DataTypes.StringType);
  private static final StructType PREVIOUS = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.TIER, DataTypes.StringType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.VALUE_SCORE, DataTypes.DoubleType);

  private static Object[] now(String id, String computed, int monetary, int recency, double score, String grade) {
    return new Object[] {id, computed, new BigDecimal(monetary).setScale(2), recency, score, grade};
  }

  private static Object[] before(String id, String tier, int monetary, double score) {
    return new Object[] {id, tier, new BigDecimal(monetary).setScale(2), score};
  }

  private static final Object[][] TONIGHT = {
      now("same", "Top", 1000, 5, 95, "Strategic"),
      now("spend", "Important", 600, 5, 80, "Key"),       // monetary -40 %
      now("small", "Important", 800, 10, 80, "Key"),      // -20 %, active, score 5 past 75 (not more)
      now("idle", "Dormant", 450, 120, 50, "Potential"),  // -10 %, but no order for 120 days
      now("scoreUp", "Key", 110, 5, 81, "Key"),           // 81 is 6 past the Key bound 75
      now("scoreUpSmall", "Key", 110, 5, 78, "Key"),      // only 3 past
      now("scoreDown", "Regular", 100, 5, 68, "Regular"), // 7 below the Key bound 75 it fell through
      now("fromZero", "Small", 50, 5, 40, "Potential"),   // no revenue before: any revenue is a change
      now("new", "Ordinary", 300, 5, 65, "Regular"),
      now("idleUp", "Important", 450, 120, 50, "Potential"),   // idle 120 days, grade rose Small -> Important
      now("idleSide", "Important", 450, 120, 50, "Potential")}; // idle, grade moved to an unranked name

  private static final Object[][] LAST_SNAPSHOT = {
      before("same", "Top", 1000, 95), before("spend", "Top", 1000, 92), before("small", "Top", 1000, 82),
      before("idle", "Important", 500, 70), before("scoreUp", "Regular", 100, 70),
      before("scoreUpSmall", "Regular", 100, 70), before("scoreDown", "Key", 100, 80),
      before("fromZero", "Dormant", 0, 30), before("gone", "Top", 900, 91),
      before("idleUp", "Small", 500, 50), before("idleSide", "Lapsing", 500, 50)};

  private static Map<String, Row> apply(Optional<Dataset<Row>> previous) {
    Map<String, Row> byId = new HashMap<>();
    new TierStability(DEFAULTS.stability(), DEFAULTS.scoring(), RANKED).apply(frame(CURRENT, TONIGHT), previous)
        .collectAsList().forEach(r -> byId.put(r.getAs(Columns.CUSTOMER_ID), r));
    assertEquals(TONIGHT.length, byId.size(), "one row per current customer");
    return byId;
  }

  @Test
  void tierMovesOnlyWhenAGradeDiffersAndATriggerFires() {
    Map<String, Row> r = apply(Optional.of(frame(PREVIOUS, LAST_SNAPSHOT)));
    Object[][] expected = {
        // id, tier, previous_tier, tier_changed, change_reason
        {"same", "Top", "Top", false, TierStability.UNCHANGED},
        {"spend", "Important", "Top", true, TierStability.MONETARY_CHANGE},
        {"small", "Top", "Top", false, TierStability.HELD},
        {"idle", "Dormant", "Important", true, TierStability.INACTIVE},
        {"scoreUp", "Key", "Regular", true, TierStability.SCORE_PAST_BOUNDARY},
        {"scoreUpSmall", "Regular", "Regular", false, TierStability.HELD},
        {"scoreDown", "Regular", "Key", true, TierStability.SCORE_PAST_BOUNDARY},
        {"fromZero", "Small", "Dormant", true, TierStability.MONETARY_CHANGE},
        {"new", "Ordinary", null, false, TierStability.NEW_CUSTOMER},
        // Inactivity moves only down the ranked tiers: -10 % monetary and the same score fire no
        // other trigger, so both keep their tier.
        {"idleUp", "Small", "Small", false, TierStability.HELD},
        {"idleSide", "Lapsing", "Lapsing", false, TierStability.HELD}};
    for (Object[] e : expected) {
      Row row = r.get((String) e[0]);
      assertEquals(e[1], row.getAs(Columns.TIER), "tier of " + e[0]);
      assertEquals(e[2], row.getAs(Columns.PREVIOUS_TIER), "previous tier of " + e[0]);
      assertEquals(e[3], row.getAs(Columns.TIER_CHANGED), "changed? " + e[0]);
      assertEquals(e[4], row.getAs(Columns.CHANGE_REASON), "reason of " + e[0]);
    }
  }

  @Test
  void everyMethodHasATierOrderBestFirst() {
    java.util.List<String> seg = java.util.List.of("Top", "New", "Dormant");
    assertEquals(seg, TierStability.rankedTiers("segment", DEFAULTS, seg));
    assertEquals(java.util.List.of("A", "B", "C"), TierStability.rankedTiers("abc", DEFAULTS, seg));
    // Default grades: Strategic >= 90, Key >= 75, Regular >= 60, otherwise Potential.
    assertEquals(java.util.List.of("Strategic", "Key", "Regular", "Potential"),
        TierStability.rankedTiers("value_grade", DEFAULTS, seg));
    assertEquals(java.util.List.of("S", "A", "B", "C"), TierStability.rankedTiers("value_potential", DEFAULTS, seg));
    assertEquals(java.util.List.of("Growth", "Maturity", "Acquisition", "Decline", "Lost"),
        TierStability.rankedTiers("lifecycle", DEFAULTS, seg));
    assertEquals(8, TierStability.rankedTiers("rfm", DEFAULTS, seg).size());
    assertEquals("Important value", TierStability.rankedTiers("rfm", DEFAULTS, seg).get(0));
    assertEquals("General win-back", TierStability.rankedTiers("rfm", DEFAULTS, seg).get(7));
  }

  @Test
  void firstRunTakesTheComputedTier() {
    Map<String, Row> r = apply(Optional.empty());
    assertEquals("Important", r.get("small").getAs(Columns.TIER));
    assertNull(r.get("small").getAs(Columns.PREVIOUS_TIER));
    assertEquals(false, r.get("small").getAs(Columns.TIER_CHANGED));
    assertEquals(TierStability.FIRST_RUN, r.get("small").getAs(Columns.CHANGE_REASON));
  }

  /**
   * tier_changes of four customers on each night: "same" keeps Top, "scoreUp" rises Regular -> Key
   * (81 is 6 past the Key bound 75), "small" is held at Top (-20 %, score 82 -> 80 within the
   * margin), "new" was not there before, "gone" is not there tonight.
   */
  private static final Object[][] FOUR_TONIGHT = {
      now("same", "Top", 1000, 5, 95, "Strategic"), now("scoreUp", "Key", 110, 5, 81, "Key"),
      now("small", "Important", 800, 10, 80, "Key"), now("new", "Ordinary", 300, 5, 65, "Regular")};
  private static final Object[][] FOUR_BEFORE = {
      before("same", "Top", 1000, 95), before("scoreUp", "Regular", 100, 70), before("small", "Top", 1000, 82),
      before("gone", "Top", 900, 91)};

  private static java.util.List<String> changes(TieringConfig.Stability stability, Optional<Dataset<Row>> previous) {
    Dataset<Row> tiers = new TierStability(stability, DEFAULTS.scoring(), RANKED).apply(frame(CURRENT, FOUR_TONIGHT), previous);
    Dataset<Row> changes = TierStability.changes(tiers, previous);
    StructType expected = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.PREVIOUS_TIER, DataTypes.StringType)
        .add(Columns.TIER, DataTypes.StringType)
        .add(Columns.CHANGE_REASON, DataTypes.StringType);
    assertEquals(expected.simpleString(), changes.schema().simpleString(), "the columns of tier_changes, typed");
    return SparkTestSession.sorted(changes);
  }

  @Test
  void changesHoldTheMovedTheNewAndTheLeftOnly() {
    assertEquals(java.util.List.of(
            "[gone,Top,null," + TierStability.LEFT_POPULATION + "]",
            "[new,null,Ordinary," + TierStability.NEW_CUSTOMER + "]",
            "[scoreUp,Regular,Key," + TierStability.SCORE_PAST_BOUNDARY + "]"),
        changes(DEFAULTS.stability(), Optional.of(frame(PREVIOUS, FOUR_BEFORE))));
  }

  @Test
  void onTheFirstRunEveryCustomerIsAChange() {
    assertEquals(java.util.List.of(
            "[new,null,Ordinary," + TierStability.FIRST_RUN + "]",
            "[same,null,Top," + TierStability.FIRST_RUN + "]",
            "[scoreUp,null,Key," + TierStability.FIRST_RUN + "]",
            "[small,null,Important," + TierStability.FIRST_RUN + "]"),
        changes(DEFAULTS.stability(), Optional.empty()));
  }

  @Test
  void withStabilityDisabledChangesAreAgainstThePreviousSnapshot() {
    // customer_tiers then has no previous_tier; tier = computed_tier, so "small" moves too.
    TieringConfig.Stability off = new TieringConfig.Stability(false, DEFAULTS.stability().monetaryChange(),
        DEFAULTS.stability().inactiveDays(), DEFAULTS.stability().scoreMargin());
    assertEquals(java.util.List.of(
            "[gone,Top,null," + TierStability.LEFT_POPULATION + "]",
            "[new,null,Ordinary," + TierStability.NEW_CUSTOMER + "]",
            "[scoreUp,Regular,Key,stability_disabled]",
            "[small,Top,Important,stability_disabled]"),
        changes(off, Optional.of(frame(PREVIOUS, FOUR_BEFORE))));
  }

  @Test
  void migrationCountsPreviousToCurrentTier() {
    Dataset<Row> tiers = new TierStability(DEFAULTS.stability(), DEFAULTS.scoring(), RANKED)
        .apply(frame(CURRENT, TONIGHT), Optional.of(frame(PREVIOUS, LAST_SNAPSHOT)));
    Map<String, Long> counts = new HashMap<>();
    TierStability.migration(tiers).collectAsList()
        .forEach(r -> counts.put(r.getAs(Columns.PREVIOUS_TIER) + ">" + r.getAs(Columns.TIER), r.getAs(Columns.CUSTOMERS)));
    Map<String, Long> expected = new HashMap<>();
    expected.put("Top>Top", 2L);            // same, small (held)
    expected.put("Top>Important", 1L);      // spend
    expected.put("Important>Dormant", 1L);  // idle
    expected.put("Regular>Key", 1L);        // scoreUp
    expected.put("Regular>Regular", 1L);    // scoreUpSmall (held)
    expected.put("Key>Regular", 1L);        // scoreDown
    expected.put("Dormant>Small", 1L);      // fromZero
    expected.put("(none)>Ordinary", 1L);    // new
    expected.put("Small>Small", 1L);        // idleUp (held)
    expected.put("Lapsing>Lapsing", 1L);    // idleSide (held)
    assertEquals(expected, counts);
  }
}
