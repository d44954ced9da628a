package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backtest on transactions simulated from known parameters: customers of the BG/NBD story
 * observed for 90..720 days up to the calibration end D1, then 180 days more; fitted through the
 * job's Spark path on the history up to D1, the predictions per calibration-frequency group and in
 * total must match what the simulated customers did in (D1, D2].
 *
 * <p>Tolerance, stated before looking: the errors e = predicted − actual are independent across
 * customers, so a group's total error has standard error √Σe²; we allow three of them plus 3 % of
 * the actual total (1 % for everyone) for what the model cannot see in day-level data: purchases on
 * one day merge into one purchase day, while the simulated story runs in continuous time. The share
 * who bought again: three binomial standard errors plus one point. That the check can fail is
 * shown by parameters with a and b swapped (a mean dropout probability of 0.75 instead of 0.25),
 * which miss the total by far more.
 */
class BacktestTest {
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private static final LocalDate D1 = D2.minusDays(180);
  private static final BgNbd.Params BG = new BgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426);
  private static final int CUSTOMERS = 40_000;
  private static Dataset<Row> customers;
  private static MaximumLikelihood.Fit fit;

  @BeforeAll
  static void fitOnTheCalibrationPeriod() {
    // One day more than the holdout: the data's last day is then complete (see SimulatedCustomers).
    SimulatedCustomers s = new SimulatedCustomers(CUSTOMERS, BG, new GammaGamma.Params(6.25, 3.74, 15.44), 90, 720,
        181, 5L);
    Backtest.Split split = Backtest.Split.of(s.transactions(D2, 180).cache(), D1, D2);
    assertEquals(180, split.holdoutDays(), 0.0);
    fit = new LifetimeValue(TieringConfig.parse("").lifetimeValue())
        .fitPurchases(LifetimeValue.BG_NBD, split.calibration().cache()).orElseThrow();
    customers = split.customers().cache();
  }

  private static Map<String, Row> byGroup(PurchaseModel model) {
    Map<String, Row> rows = new HashMap<>();
    Dataset<Row> predicted = Backtest.predict(customers, model, 180);
    for (Row r : Backtest.byFrequency(predicted).collectAsList()) {
      rows.put(r.getAs(Columns.FREQUENCY_GROUP), r);
    }
    return rows;
  }

  private static double d(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }

  /** Three standard errors of the group's total error (√Σe² = RMSE·√n) plus {@code share} of the actual total. */
  private static double tolerance(Row r, double share) {
    double n = d(r, Columns.CUSTOMERS);
    return 3 * d(r, Columns.ROOT_MEAN_SQUARED_ERROR) * Math.sqrt(n) + share * d(r, Columns.ACTUAL_PURCHASES);
  }

  @Test
  void predictedRepeatPurchasesMatchTheHoldoutPerGroupAndInTotal() {
    assertTrue(fit.converged(), fit.status());
    Map<String, Row> rows = byGroup(PurchaseModel.of(fit));
    assertEquals(Backtest.TOP_GROUP + 2, rows.size(), "groups 0..6, 7+ and all: " + rows.keySet());
    long customersInGroups = 0;
    double actualInGroups = 0;
    for (String g : new String[] {"0", "1", "2", "3", "4", "5", "6", "7+"}) {
      Row r = rows.get(g);
      customersInGroups += r.<Long>getAs(Columns.CUSTOMERS);
      actualInGroups += d(r, Columns.ACTUAL_PURCHASES);
      assertEquals(d(r, Columns.ACTUAL_PURCHASES), d(r, Columns.PREDICTED_PURCHASES), tolerance(r, 0.03), "group " + g);
      double n = d(r, Columns.CUSTOMERS);
      double share = d(r, Columns.ACTUAL_SHARE_BUYING);
      assertEquals(share, d(r, Columns.PREDICTED_SHARE_BUYING), 3 * Math.sqrt(share * (1 - share) / n) + 0.01,
          "share buying again, group " + g);
    }
    Row all = rows.get(Backtest.ALL);
    // Every simulated customer first bought at least 90 days before D1: all are in the backtest.
    assertEquals(CUSTOMERS, all.<Long>getAs(Columns.CUSTOMERS));
    assertEquals(CUSTOMERS, customersInGroups);
    assertEquals(actualInGroups, d(all, Columns.ACTUAL_PURCHASES), 1e-9);
    assertEquals(d(all, Columns.ACTUAL_PURCHASES), d(all, Columns.PREDICTED_PURCHASES), tolerance(all, 0.01), "total");
    assertTrue(d(all, Columns.MEAN_ABSOLUTE_ERROR) > 0 && d(all, Columns.MEAN_ABSOLUTE_ERROR) <= d(all, Columns.ROOT_MEAN_SQUARED_ERROR));
  }

  @Test
  void theToleranceRejectsAWrongModel() {
    // a and b swapped: customers leave after a purchase three times as often as they do.
    Row all = byGroup(new BgNbd.Params(BG.r(), BG.alpha(), BG.b(), BG.a())).get(Backtest.ALL);
    double miss = Math.abs(d(all, Columns.PREDICTED_PURCHASES) - d(all, Columns.ACTUAL_PURCHASES));
    assertTrue(miss > 2 * tolerance(all, 0.01), "miss " + miss + " vs tolerance " + tolerance(all, 0.01));
  }

  @Test
  void errorsAreThoseOfTheAllRow() {
    Backtest.Errors errors = Backtest.errors(Backtest.predict(customers, PurchaseModel.of(fit), 180));
    Row all = byGroup(PurchaseModel.of(fit)).get(Backtest.ALL);
    assertEquals(CUSTOMERS, errors.customers());
    assertEquals(d(all, Columns.MEAN_ABSOLUTE_ERROR), errors.meanAbsolute(), 1e-12);
    assertEquals(d(all, Columns.ROOT_MEAN_SQUARED_ERROR), errors.rootMeanSquared(), 1e-12);
  }
}
