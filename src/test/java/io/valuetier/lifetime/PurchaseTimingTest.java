package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** P(at least one purchase within h days) from BG/NBD, and the purchase timing grade A–E. */
class PurchaseTimingTest {
  private static final BgNbd.Params CDNOW = new BgNbd.Params(0.243, 30.9, 0.793, 2.426);
  private static final TieringConfig.PurchaseTiming DEFAULTS = TieringConfig.parse("").purchaseTiming();

  @Test
  void probabilityOfPurchaseByHand() {
    BgNbd.Params p = new BgNbd.Params(1, 10, 1, 2);
    // x = 0, T = 10, h = 10: alive for sure, λ ~ Gamma(1, 10 + 10): 1 − (20/30)^1 = 1/3.
    assertEquals(1.0 / 3, BgNbd.probabilityOfPurchase(p, 0, 0, 10, 10), 1e-12);
    // x = 2, t_x = 5, T = 10: odds dead = a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) = 1/3 · (20/15)^3 = 64/81,
    // p_alive = 81/145; P = 81/145 · (1 − (20/30)^3) = 81/145 · 19/27 = 57/145.
    assertEquals(57.0 / 145, BgNbd.probabilityOfPurchase(p, 2, 5, 10, 10), 1e-12);
    assertEquals(0.0, BgNbd.probabilityOfPurchase(p, 2, 5, 10, 0), 0.0);
    // Longer horizons can only add chances; p_alive bounds them all.
    double alive = BgNbd.probabilityAlive(CDNOW, 4, 100, 365);
    double last = 0;
    for (double h : new double[] {30, 90, 180, 365, 3650, 1e7}) {
      double next = BgNbd.probabilityOfPurchase(CDNOW, 4, 100, 365, h);
      assertTrue(next > last && next <= alive, h + ": " + next);
      last = next;
    }
    assertEquals(alive, last, 1e-3, "in the long run: every live customer buys");
  }

  @Test
  void probabilitiesMatchWhatSimulatedCustomersDid() {
    // For each horizon, 30,000 customers from the CDNOW parameters, observed 90..720 days; the
    // mean predicted P per group of x and per band of P against the share that did buy in (T, T+h].
    for (int h : new int[] {30, 90, 180}) {
      SimulatedCustomers s = new SimulatedCustomers(30_000, CDNOW, new GammaGamma.Params(6.25, 3.74, 15.44),
          90, 720, h, 11L + h);
      double[] predicted = new double[6];
      double[] variance = new double[6];
      double[] bought = new double[6];
      int[] n = new int[6];
      for (int i = 0; i < s.x.length; i++) {
        double p = BgNbd.probabilityOfPurchase(CDNOW, (int) s.x[i], (int) Math.round(s.tx[i]), (int) Math.round(s.t[i]), h);
        int byX = s.x[i] == 0 ? 0 : s.x[i] <= 2 ? 1 : 2;
        int byP = p < 0.1 ? 3 : p < 0.4 ? 4 : 5;
        for (int g : new int[] {byX, byP}) {
          predicted[g] += p;
          variance[g] += p * (1 - p);
          bought[g] += s.holdoutPurchases[i] > 0 ? 1 : 0;
          n[g]++;
        }
      }
      for (int g = 0; g < 6; g++) {
        assertTrue(n[g] > 500, "group " + g + " has " + n[g] + " customers at h = " + h);
        // Within four standard errors of a sum of independent Bernoulli(p_i), plus 0.5 point for
        // the days rounded to whole days.
        double tolerance = 4 * Math.sqrt(variance[g]) / n[g] + 0.005;
        assertEquals(bought[g] / n[g], predicted[g] / n[g], tolerance, "share buying within " + h + " days, group " + g);
      }
    }
  }

  /** A model that answers a fixed probability per horizon. */
  private static PurchaseTiming.Model fixed(Map<Integer, Double> byHorizon) {
    return (x, tx, t, h) -> byHorizon.get((int) h);
  }

  @Test
  void gradesInTheDocumentedOrder() {
    // Defaults: A/B/C at 30/90/180 days with P >= 0.5; E when P(365 days) < 0.10.
    assertEquals("A", grade(0.5, 0.6, 0.7, 0.8));
    assertEquals("B", grade(0.49, 0.5, 0.7, 0.8));
    assertEquals("C", grade(0.2, 0.3, 0.5, 0.8));
    assertEquals("D", grade(0.05, 0.1, 0.2, 0.4));
    assertEquals("D", grade(0.01, 0.03, 0.06, 0.10), "P(365) exactly at the no-chance threshold is still a chance");
    assertEquals("E", grade(0.01, 0.03, 0.06, 0.0999));
    TieringConfig.PurchaseTiming strict = TieringConfig.parse("tiering.purchase-timing { a-days = 7, b-days = 30,"
        + " c-days = 60, probability = 0.8, no-chance-days = 90, no-chance-probability = 0.3 }").purchaseTiming();
    assertEquals("B", PurchaseTiming.grade(fixed(Map.of(7, 0.5, 30, 0.8, 60, 0.9, 90, 0.95)), strict, 1, 1, 1));
    assertEquals("E", PurchaseTiming.grade(fixed(Map.of(7, 0.1, 30, 0.2, 60, 0.25, 90, 0.29)), strict, 1, 1, 1));
  }

  private static String grade(double p30, double p90, double p180, double p365) {
    return PurchaseTiming.grade(fixed(Map.of(30, p30, 90, p90, 180, p180, 365, p365)), DEFAULTS, 1, 1, 1);
  }

  @Test
  void sparkColumnsFromTheFittedModel() {
    StructType schema = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.REPEAT_PURCHASES, DataTypes.IntegerType)
        .add(Columns.PURCHASE_SPAN_DAYS, DataTypes.IntegerType)
        .add(Columns.CUSTOMER_AGE_DAYS, DataTypes.IntegerType);
    var frame = SparkTestSession.frame(schema, new Object[] {"heavy", 40, 360, 365}, new Object[] {"lapsed", 10, 60, 700},
        new Object[] {"returns-only", null, null, null});
    Map<String, Row> rows = SparkTestSession.byCustomer(
        new PurchaseTiming(DEFAULTS).apply(frame, Optional.of(PurchaseTiming.Model.of(CDNOW))));
    Row heavy = rows.get("heavy");
    // 40 purchase days in a year, the last 5 days ago: odds dead = 0.793/41.426 · (395.9/390.9)^40.243
    // = 0.01914 · e^0.5115 = 0.0319, p_alive = 0.9691; λ ~ Gamma(40.243, 395.9), no purchase in 30 days
    // (395.9/425.9)^40.243 = e^(−2.9395) = 0.0529: P(30 d) = 0.9691 · 0.9471 = 0.9178 → A.
    assertEquals(BgNbd.probabilityOfPurchase(CDNOW, 40, 360, 365, 30), heavy.<Double>getAs(Columns.P_PURCHASE_30D), 1e-12);
    assertEquals(BgNbd.probabilityOfPurchase(CDNOW, 40, 360, 365, 90), heavy.<Double>getAs(Columns.P_PURCHASE_90D), 1e-12);
    assertEquals(BgNbd.probabilityOfPurchase(CDNOW, 40, 360, 365, 180), heavy.<Double>getAs(Columns.P_PURCHASE_180D), 1e-12);
    assertEquals(0.9178, heavy.<Double>getAs(Columns.P_PURCHASE_30D), 5e-4);
    assertEquals("A", heavy.getAs(Columns.PURCHASE_TIMING));
    // Ten purchases in two months, then 640 days of silence: p_alive ≈ 0 → E.
    assertTrue(BgNbd.probabilityAlive(CDNOW, 10, 60, 700) < 1e-6);
    assertEquals("E", rows.get("lapsed").getAs(Columns.PURCHASE_TIMING));
    assertNull(rows.get("returns-only").getAs(Columns.P_PURCHASE_30D));
    assertNull(rows.get("returns-only").getAs(Columns.PURCHASE_TIMING));
    Row unfitted = new PurchaseTiming(DEFAULTS).apply(frame, Optional.empty()).first();
    assertNull(unfitted.getAs(Columns.P_PURCHASE_90D));
    assertNull(unfitted.getAs(Columns.PURCHASE_TIMING));
  }

  @Test
  void badHorizonsAreConfigurationErrors() {
    TieringException order = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.purchase-timing.b-days = 20"));
    assertEquals("tiering.purchase-timing needs 0 < a-days < b-days < c-days and no-chance-days > 0, got 30, 20, 180 and 365",
        order.getMessage());
    TieringException probability = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.purchase-timing.probability = 0"));
    assertEquals("tiering.purchase-timing needs probability in (0, 1] and no-chance-probability in [0, 1], got 0.0 and 0.1",
        probability.getMessage());
    TieringException disabled = assertThrows(TieringException.class, () -> TieringConfig.parse(
        "tiering.lifetime-value.enabled = false\ntiering.value-potential.potential = growth\n"
            + "tiering.segmentation.features = [recency, frequency, monetary, margin, tenure]\n"
            + "tiering.scoring { weights { t = 1 }, indicators = [ { name = t, column = purchase_timing, method = percentile } ] }"));
    assertEquals("tiering.scoring indicator t scores purchase_timing, which needs tiering.lifetime-value.enabled = true",
        disabled.getMessage());
  }
}
