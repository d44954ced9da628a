package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.config.TieringConfig;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * model = auto picks the model that generated the data: transactions simulated from each story
 * (30,000 customers, 270..900 days of history up to D), both models fitted on the history up to
 * D − 180 days and compared on the last 180, through the run's own {@link LifetimeValue#fit}.
 *
 * <p>Parameters where the models differ clearly. BG/NBD data: the CDNOW estimates, whose many
 * one-time buyers are all alive (MBG/NBD would call the long-silent ones gone). MBG/NBD data:
 * fairly similar purchase rates (r = 2, a coefficient of variation of 0.7) and a mean dropout
 * probability of 0.4 at every purchase, the first one included: many customers leave right after
 * their first purchase, and with similar rates BG/NBD cannot pass them off as very slow buyers.
 */
class ModelChoiceTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);
  private static final TieringConfig.LifetimeValue AUTO =
      TieringConfig.parse("tiering.lifetime-value { model = auto, holdout-days = 180 }").lifetimeValue();

  private static LifetimeValue.Fitted fitAuto(SimulatedCustomers s) {
    // One day more than the data spans, so that D is complete (see SimulatedCustomers).
    Dataset<Row> transactions = s.transactions(D, 0).cache();
    Dataset<Row> histories = new PurchaseHistory(D).apply(transactions).cache();
    return new LifetimeValue(AUTO).fit(histories, Backtest.Split.of(transactions, D.minusDays(180), D));
  }

  private static void assertChose(String model, LifetimeValue.Fitted fitted) {
    String other = model.equals(LifetimeValue.BG_NBD) ? LifetimeValue.MBG_NBD : LifetimeValue.BG_NBD;
    assertEquals(model, fitted.purchases().orElseThrow().model(), fitted.status().toString());
    assertTrue(fitted.status().get(LifetimeValue.MODEL_STATUS).startsWith(model + " (auto: holdout RMSE"),
        fitted.status().toString());
    assertTrue(fitted.holdoutErrors().get(model) < fitted.holdoutErrors().get(other), fitted.holdoutErrors().toString());
    // Both candidates and the final fit are recorded; the final one under the chosen model's name.
    assertEquals(java.util.Set.of(model, LifetimeValue.GAMMA_GAMMA, LifetimeValue.CALIBRATION + model,
        LifetimeValue.CALIBRATION + other), fitted.logLikelihoods().keySet());
    assertTrue(fitted.parameters().containsKey(model + ".r"), fitted.parameters().toString());
  }

  @Test
  void autoPicksBgNbdOnBgNbdData() {
    assertChose(LifetimeValue.BG_NBD, fitAuto(new SimulatedCustomers(30_000,
        new BgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426), new GammaGamma.Params(6.25, 3.74, 15.44), 270, 900, 1, 3L)));
  }

  @Test
  void autoPicksMbgNbdOnMbgNbdData() {
    assertChose(LifetimeValue.MBG_NBD,
        fitAuto(SimulatedCustomers.modified(30_000, new MbgNbd.Params(2.0, 80.0, 2.0, 3.0), 270, 900, 1, 4L)));
  }
}
