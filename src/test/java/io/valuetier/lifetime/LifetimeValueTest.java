package io.valuetier.lifetime;

import static io.valuetier.TransactionFixtures.line;
import static io.valuetier.TransactionFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Purchase histories from transactions, the edge cases of the fit, and the columns the job adds. */
class LifetimeValueTest {
  private static final LocalDate D = LocalDate.of(2026, 6, 30);
  private static final TieringConfig.LifetimeValue DEFAULTS = TieringConfig.parse("").lifetimeValue();

  @Test
  void historiesMergeSameDayPurchasesAndIgnoreReturnOnlyDays() {
    Dataset<Row> accepted = TransactionValidation.accepted(TransactionValidation.flag(raw(
        // A: two orders on Jan 1 (one purchase day of 150), Feb 1 (30), a return-only day Mar 1,
        // Apr 1 (70): x = 2, t_x = Jan 1 → Apr 1 = 90 days, T = Jan 1 → Jun 30 = 180, m = (30 + 70) / 2.
        line("a1", "A", "2026-01-01 09:00:00", "100.00", "60.00", "tools"),
        line("a2", "A", "2026-01-01 17:30:00", "50.00", "30.00", "tools"),
        line("a3", "A", "2026-02-01 10:00:00", "30.00", "20.00", "tools"),
        line("a4", "A", "2026-03-01 10:00:00", "-20.00", "-12.00", "tools"),
        line("a5", "A", "2026-04-01 10:00:00", "70.00", "40.00", "tools"),
        // B: one purchase on the as-of date: x = 0, t_x = 0, T = 0.
        line("b1", "B", "2026-06-30 23:00:00", "10.00", "5.00", "toys"),
        // C: only a return: no purchase day at all.
        line("c1", "C", "2026-05-01 10:00:00", "-15.00", "-9.00", "toys"),
        // E: a purchase and a return the same day net 70 > 0 (a purchase day), then May 10 (40).
        line("e1", "E", "2026-05-01 10:00:00", "100.00", "60.00", "toys"),
        line("e2", "E", "2026-05-01 18:00:00", "-30.00", "-18.00", "toys"),
        line("e3", "E", "2026-05-10 10:00:00", "40.00", "20.00", "toys")), D));
    Map<String, Row> h = SparkTestSession.byCustomer(new PurchaseHistory(D).apply(accepted));
    assertEquals(3, h.size(), "C has no purchase day");
    assertHistory(h.get("A"), 2, 90, 180, 50.0);
    assertHistory(h.get("B"), 0, 0, 0, null);
    assertHistory(h.get("E"), 1, 9, 60, 40.0);
  }

  private static void assertHistory(Row r, int x, int tx, int t, Double m) {
    assertEquals(x, (int) r.getAs(Columns.REPEAT_PURCHASES));
    assertEquals(tx, (int) r.getAs(Columns.PURCHASE_SPAN_DAYS));
    assertEquals(t, (int) r.getAs(Columns.CUSTOMER_AGE_DAYS));
    if (m == null) {
      assertNull(r.getAs(Columns.MEAN_REPEAT_SPEND));
    } else {
      assertEquals(m, r.<Double>getAs(Columns.MEAN_REPEAT_SPEND), 1e-9);
    }
  }

  private static final StructType HISTORY = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.REPEAT_PURCHASES, DataTypes.IntegerType)
      .add(Columns.PURCHASE_SPAN_DAYS, DataTypes.IntegerType)
      .add(Columns.CUSTOMER_AGE_DAYS, DataTypes.IntegerType)
      .add(Columns.MEAN_REPEAT_SPEND, DataTypes.DoubleType);
  private static final StructType CUSTOMERS = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.MARGIN, DataTypes.DoubleType);

  @Test
  void withNobodyBuyingTwiceNothingIsFittedAndNothingIsMadeUp() {
    Dataset<Row> histories = SparkTestSession.frame(HISTORY,
        new Object[] {"a", 0, 0, 100, null}, new Object[] {"b", 0, 0, 5, null}, new Object[] {"c", 0, 0, 300, null});
    LifetimeValue lifetime = new LifetimeValue(DEFAULTS);
    LifetimeValue.Fitted fitted = lifetime.fit(histories);
    assertTrue(fitted.purchases().isEmpty() && fitted.spend().isEmpty());
    assertEquals("not fitted: no customer has a repeat purchase", fitted.status().get(LifetimeValue.BG_NBD));
    assertTrue(fitted.parameters().isEmpty());
    Dataset<Row> customers = SparkTestSession.frame(CUSTOMERS, new Object[] {"a", 0.2}, new Object[] {"b", 0.1},
        new Object[] {"c", null});
    for (Row r : lifetime.apply(customers, histories, fitted).collectAsList()) {
      for (String column : new String[] {Columns.P_ALIVE, Columns.EXPECTED_ORDERS_H, Columns.EXPECTED_AVG_VALUE, Columns.CLV}) {
        assertNull(r.getAs(column), column);
      }
      assertEquals(0, (int) r.getAs(Columns.REPEAT_PURCHASES), "the history is still there");
    }
  }

  @Test
  void disabledLeavesTheColumnsNull() {
    TieringConfig config = TieringConfig.parse("tiering.lifetime-value.enabled = false\ntiering.value-potential.potential = growth\n"
        + "tiering.segmentation.features = [recency, frequency, monetary, margin, tenure]");
    Dataset<Row> histories = SparkTestSession.frame(HISTORY, new Object[] {"a", 3, 50, 100, 20.0});
    LifetimeValue lifetime = new LifetimeValue(config.lifetimeValue());
    LifetimeValue.Fitted fitted = lifetime.fit(histories);
    assertEquals("disabled", fitted.status().get(LifetimeValue.BG_NBD));
    Row r = lifetime.apply(SparkTestSession.frame(CUSTOMERS, new Object[] {"a", 0.2}), histories, fitted).first();
    assertNull(r.getAs(Columns.CLV));
  }

  @Test
  void clvUsesTheCustomersOwnMarginOrTheConfiguredOne() {
    BgNbd.Params purchases = new BgNbd.Params(0.243, 30.9, 0.793, 2.426);
    GammaGamma.Params spend = new GammaGamma.Params(6.25, 3.74, 15.44);
    LifetimeValue.Predictor own = new LifetimeValue.Predictor(purchases, spend, DEFAULTS);
    Row withMargin = own.call(4, 200, 365, 50.0, 0.5);
    Row unknownMargin = own.call(4, 200, 365, 50.0, null);
    // CLV is linear in the margin: 0.5 against the configured 0.30.
    assertEquals(0.5 / 0.3, withMargin.getDouble(3) / unknownMargin.getDouble(3), 1e-9);
    double[] cumulative = new double[13];
    for (int m = 1; m <= 12; m++) {
      cumulative[m] = BgNbd.expectedPurchases(purchases, 4, 200, 365, m * 365.2425 / 12);
    }
    double value = GammaGamma.expectedAverageValue(spend, 4, 50.0);
    assertEquals(BgNbd.probabilityAlive(purchases, 4, 200, 365), withMargin.getDouble(0), 1e-12);
    assertEquals(cumulative[12], withMargin.getDouble(1), 1e-12);
    assertEquals(value, withMargin.getDouble(2), 1e-12);
    assertEquals(LifetimeValue.presentValue(cumulative, value, 0.5, 0, 0.01), withMargin.getDouble(3), 1e-9);
    TieringConfig.LifetimeValue fixed = TieringConfig.parse("tiering.lifetime-value.margin-source = fixed").lifetimeValue();
    assertEquals(unknownMargin.getDouble(3), new LifetimeValue.Predictor(purchases, spend, fixed).call(4, 200, 365, 50.0, 0.5).getDouble(3), 1e-12);
  }

  @Test
  void configurationRefusesLifetimeColumnsWhenDisabled() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.valuetier.TieringException.class,
        () -> TieringConfig.parse("tiering.lifetime-value.enabled = false"));
    assertTrue(e.getMessage().contains("tiering.value-potential.potential = clv needs tiering.lifetime-value.enabled = true"), e.getMessage());
    assertFalse(TieringConfig.parse("").lifetimeValue().marginSource().isEmpty());
  }
}
