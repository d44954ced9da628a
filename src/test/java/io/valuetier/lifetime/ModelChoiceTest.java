package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.config.TieringConfig;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ModelChoiceTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 21);
  private static final TieringConfig.LifetimeValue AUTO =
      TieringConfig.parse("tiering.lifetime-value { model = auto, holdout-days = 180 }").lifetimeValue();

  private static LifetimeValue.Fitted fitAuto(SimulatedCustomers s) {
    Dataset<Row> transactions = s.transactions(D, 0).cache();
    Dataset<Row> histories = new PurchaseHistory(D).apply(transactions).cache();
    return new LifetimeValue(AUTO).fit(histories, Backtest.Split.of(transactions, D.minusDays(180), D));
  }

  @Test
  void diag() {
    LifetimeValue.Fitted bg = fitAuto(new SimulatedCustomers(30_000, new BgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426),
        new GammaGamma.Params(6.25, 3.74, 15.44), 270, 900, 1, 3L));
    System.out.println("BG " + bg + " " + bg.holdoutErrors() + " " + bg.logLikelihoods());
    LifetimeValue.Fitted mbg = fitAuto(SimulatedCustomers.modified(30_000, new MbgNbd.Params(0.5, 20.0, 2.0, 4.0), 270, 900, 1, 4L));
    System.out.println("MBG " + mbg + " " + mbg.holdoutErrors() + " " + mbg.logLikelihoods());
  }
}
