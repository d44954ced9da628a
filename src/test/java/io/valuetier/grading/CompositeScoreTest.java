package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.io.File;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CompositeScoreTest {
  private static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.MARGIN, DataTypes.DoubleType)
      .add(Columns.TENURE_DAYS, DataTypes.IntegerType)
      .add(Columns.CATEGORY_BREADTH, DataTypes.DoubleType)
      .add(Columns.RECENCY_DAYS, DataTypes.IntegerType)
      .add(Columns.CREDIT_SCORE, DataTypes.DoubleType);

  private static final TieringConfig WORKED = TieringConfig.load(Optional.of(new File("conf/example-worked.conf")));

  private static Object[] customer(String id, String monetary, double margin, int tenure, double breadth, int recency,
      Double credit) {
    return new Object[] {id, new BigDecimal(monetary), margin, tenure, breadth, recency, credit};
  }

  private static Map<String, Row> score(TieringConfig config, Object[]... rows) {
    Map<String, Row> byId = new HashMap<>();
    java.util.List<Row> scored = new CompositeScore(config.scoring()).apply(frame(SCHEMA, rows)).collectAsList();
    for (Row r : scored) {
      byId.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
    assertEquals(rows.length, scored.size(), "one row per customer in, one out");
    return byId;
  }

  /** "Composite value score and value grade" (docs/methods.md): 12M spend → 100, 15 % margin → 90, 5 years → 100, 30 % breadth → 80; 40/25/20/15 → 94.5 Strategic. */
  @Test
  void shippedExampleConfigurationReproducesTheWorkedExample() {
    Row r = score(WORKED, customer("w", "12000000.00", 0.15, 1825, 0.30, 3, null)).get("w");
    assertEquals(100.0, r.<Double>getAs("score_spend"), 1e-12);
    assertEquals(90.0, r.<Double>getAs("score_margin"), 1e-12);
    assertEquals(100.0, r.<Double>getAs("score_tenure"), 1e-12);
    assertEquals(80.0, r.<Double>getAs("score_breadth"), 1e-12);
    assertEquals(94.5, r.<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertEquals("Strategic", r.getAs(Columns.VALUE_GRADE));
  }

  @Test
  void aValueOnALowerBoundBelongsToThatBand() {
    Map<String, Row> s = score(WORKED,
        customer("on10m", "10000000.00", 0.20, 1095, 0.50, 1, null),
        customer("below10m", "9999999.99", 0.1999, 1094, 0.4999, 1, null),
        customer("on5m", "5000000.00", 0.10, 365, 0.10, 1, null),
        customer("below5m", "4999999.99", 0.0999, 364, 0.0999, 1, null));
    assertEquals(100.0, s.get("on10m").<Double>getAs("score_spend"));
    assertEquals(80.0, s.get("below10m").<Double>getAs("score_spend"));
    assertEquals(80.0, s.get("on5m").<Double>getAs("score_spend"));
    assertEquals(60.0, s.get("below5m").<Double>getAs("score_spend"));
    assertEquals(100.0, s.get("on10m").<Double>getAs("score_margin"));
    assertEquals(90.0, s.get("below10m").<Double>getAs("score_margin"));
    assertEquals(75.0, s.get("on5m").<Double>getAs("score_margin"));
    assertEquals(60.0, s.get("below5m").<Double>getAs("score_margin"));
    assertEquals(85.0, s.get("on10m").<Double>getAs("score_tenure"));
    assertEquals(70.0, s.get("below10m").<Double>getAs("score_tenure"));
    assertEquals(70.0, s.get("on5m").<Double>getAs("score_tenure"));
    assertEquals(50.0, s.get("below5m").<Double>getAs("score_tenure"));
    assertEquals(100.0, s.get("on10m").<Double>getAs("score_breadth"));
    assertEquals(80.0, s.get("below10m").<Double>getAs("score_breadth"));
    assertEquals(60.0, s.get("on5m").<Double>getAs("score_breadth"));
    assertEquals(40.0, s.get("below5m").<Double>getAs("score_breadth"));
    // 0.4·100 + 0.25·100 + 0.2·85 + 0.15·100 = 97 → Strategic; 0.4·60 + 0.25·60 + 0.2·50 + 0.15·40 = 55 → Potential.
    assertEquals(97.0, s.get("on10m").<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertEquals(55.0, s.get("below5m").<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertEquals("Potential", s.get("below5m").getAs(Columns.VALUE_GRADE));
  }

  @Test
  void percentileRanksShareTiesAndCanBeReversed() {
    TieringConfig config = TieringConfig.parse("tiering.scoring { indicators = ["
        + "{ name = spend, column = monetary, method = percentile },"
        + "{ name = recency, column = recency_days, method = percentile, higher-is-better = false },"
        + "{ name = age, column = tenure_days, method = percentile } ],"
        + " weights { spend = 1, recency = 1, age = 1 } }");
    // Spend 10, 20, 20, 30, 40: ranks 1, 2, 2, 4, 5 → (rank − 1)/(n − 1) = 0, 25, 25, 75, 100.
    // Recency 9, 5, 5, 1, 1 days, fewer is better: descending ranks 1, 2, 2, 4, 4 → 0, 25, 25, 75, 75.
    // Tenure 100, 100, 200, 300, 300: ranks 1, 1, 3, 4, 4 → 0, 0, 50, 75, 75. (Decimal spend is
    // ranked by sorting; whole-number recency and tenure by counting customers per value.)
    Map<String, Row> s = score(config,
        customer("a", "10.00", 0, 100, 0, 9, null), customer("b", "20.00", 0, 100, 0, 5, null),
        customer("c", "20.00", 0, 200, 0, 5, null), customer("d", "30.00", 0, 300, 0, 1, null),
        customer("e", "40.00", 0, 300, 0, 1, null));
    double[] spend = {0, 25, 25, 75, 100};
    double[] recency = {0, 25, 25, 75, 75};
    double[] age = {0, 0, 50, 75, 75};
    String[] ids = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < ids.length; i++) {
      assertEquals(spend[i], s.get(ids[i]).<Double>getAs("score_spend"), 1e-9, "spend of " + ids[i]);
      assertEquals(recency[i], s.get(ids[i]).<Double>getAs("score_recency"), 1e-9, "recency of " + ids[i]);
      assertEquals(age[i], s.get(ids[i]).<Double>getAs("score_age"), 1e-9, "age of " + ids[i]);
      assertEquals((spend[i] + recency[i] + age[i]) / 3, s.get(ids[i]).<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    }
  }

  @Test
  void aMissingIndicatorIsLeftOutNotInvented() {
    TieringConfig config = TieringConfig.parse("tiering.scoring { indicators = ["
        + "{ name = spend, column = monetary, method = bands, otherwise = 50, bands = [ { min = 100, points = 100 } ] },"
        + "{ name = credit, column = credit_score, method = bands, otherwise = 0, bands = [ { min = 80, points = 100 } ] } ],"
        + " weights { spend = 3, credit = 1 } }");
    Map<String, Row> s = score(config, customer("invoiced", "100.00", 0, 0, 0, 1, 50.0),
        customer("no-invoices", "100.00", 0, 0, 0, 1, null));
    // With credit: 0.75·100 + 0.25·0 = 75. Without: spend alone carries the weight → 100.
    assertEquals(75.0, s.get("invoiced").<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertNull(s.get("no-invoices").getAs("score_credit"));
    assertEquals(100.0, s.get("no-invoices").<Double>getAs(Columns.VALUE_SCORE), 1e-9);
  }

  @Test
  void purchaseTimingIsScoredByItsLevel() {
    // Level A = 4 … E = 0; bands at 4 → 100, 3 → 75, 2 → 50, else 0; percentile on the level:
    // levels 4, 3, 3, 0 and a null → ranks 4, 2, 2, 1 of 4 → 100, 33.3, 33.3, 0; null is left out.
    TieringConfig config = TieringConfig.parse("tiering.scoring { indicators = ["
        + "{ name = timing, column = purchase_timing, method = bands, otherwise = 0,"
        + " bands = [ { min = 4, points = 100 }, { min = 3, points = 75 }, { min = 2, points = 50 } ] },"
        + "{ name = timing_rank, column = purchase_timing, method = percentile } ],"
        + " weights { timing = 1, timing_rank = 1 } }");
    StructType schema = new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.PURCHASE_TIMING, DataTypes.StringType);
    Map<String, Row> s = new HashMap<>();
    for (Row r : new CompositeScore(config.scoring()).apply(frame(schema, new Object[] {"a", "A"}, new Object[] {"b", "B"},
        new Object[] {"b2", "B"}, new Object[] {"e", "E"}, new Object[] {"none", null})).collectAsList()) {
      s.put(r.getAs(Columns.CUSTOMER_ID), r);
    }
    assertEquals(100.0, s.get("a").<Double>getAs("score_timing"), 1e-12);
    assertEquals(75.0, s.get("b").<Double>getAs("score_timing"), 1e-12);
    assertEquals(0.0, s.get("e").<Double>getAs("score_timing"), 1e-12);
    assertEquals(100.0, s.get("a").<Double>getAs("score_timing_rank"), 1e-9);
    assertEquals(100.0 / 3, s.get("b2").<Double>getAs("score_timing_rank"), 1e-9);
    assertEquals(0.0, s.get("e").<Double>getAs("score_timing_rank"), 1e-9);
    assertEquals((75.0 + 100.0 / 3) / 2, s.get("b").<Double>getAs(Columns.VALUE_SCORE), 1e-9);
    assertNull(s.get("none").getAs(Columns.VALUE_SCORE), "no timing, no score");
    assertEquals(false, java.util.Arrays.asList(s.get("a").schema().fieldNames()).contains("purchase_timing_level"),
        "the level is not left behind");
  }
}
