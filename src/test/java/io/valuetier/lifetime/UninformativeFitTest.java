package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The check that p_alive says something about long-silent customers, and the model settings' errors. */
class UninformativeFitTest {
  private static final StructType HISTORY = new StructType()
      .add(Columns.REPEAT_PURCHASES, DataTypes.IntegerType)
      .add(Columns.PURCHASE_SPAN_DAYS, DataTypes.IntegerType)
      .add(Columns.CUSTOMER_AGE_DAYS, DataTypes.IntegerType);
  // Silent for over half their history (T − t_x > T/2): the first four; the fifth bought 20 days ago.
  private static final Dataset<Row> HISTORIES = SparkTestSession.frame(HISTORY,
      new Object[] {0, 0, 300}, new Object[] {10, 60, 365}, new Object[] {1, 10, 300}, new Object[] {5, 50, 400},
      new Object[] {3, 300, 320});
  private static final LifetimeValue LIFETIME = new LifetimeValue(TieringConfig.parse("").lifetimeValue());

  @Test
  void aFitThatCallsTheSilentAliveIsFlagged() {
    // a = 1e-9: the odds of having left are at most a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), for
    // (10, 60, 365) 1e-9/11.426 · (395.9/90.9)^10.243 ≈ 3e-4, so every p_alive > 0.99.
    BgNbd.Params neverLeaving = new BgNbd.Params(0.243, 30.9, 1e-9, 2.426);
    assertEquals("uninformative: p_alive > 0.99 for 100.00 % of the 4 customers silent for over half their history",
        LIFETIME.informativeness(HISTORIES, neverLeaving, LifetimeValue.BG_NBD));
  }

  @Test
  void aFitThatSeparatesThemIsNot() {
    // CDNOW parameters: the one-time buyer has p_alive 1 (BG/NBD), (1, 10, 300) odds 0.327 ·
    // (330.9/40.9)^1.243 ≈ 4.4 so 0.19, (10, 60, 365) and (5, 50, 400) below 0.05: 1 of 4 above 0.99.
    BgNbd.Params cdnow = new BgNbd.Params(0.243, 30.9, 0.793, 2.426);
    assertEquals("informative: p_alive > 0.99 for 25.00 % of the 4 customers silent for over half their history",
        LIFETIME.informativeness(HISTORIES, cdnow, LifetimeValue.BG_NBD));
    // MBG/NBD lets the one-time buyer leave too: (0, 0, 300) odds 0.793/2.426 · (330.9/30.9)^0.243 ≈ 0.58.
    assertEquals("informative: p_alive > 0.99 for 0.00 % of the 4 customers silent for over half their history",
        LIFETIME.informativeness(HISTORIES, new MbgNbd.Params(0.243, 30.9, 0.793, 2.426), LifetimeValue.MBG_NBD));
  }

  @Test
  void nobodySilentIsSaid() {
    assertEquals("not checked: no customer silent for over half their history", LIFETIME.informativeness(
        SparkTestSession.frame(HISTORY, new Object[] {3, 300, 320}), new BgNbd.Params(1, 1, 1, 1), LifetimeValue.BG_NBD));
  }

  @Test
  void badModelSettingsAreOneLineErrors() {
    assertEquals("tiering.lifetime-value.model must be one of [bgnbd, mbgnbd, auto], got pareto",
        assertThrows(TieringException.class, () -> TieringConfig.parse("tiering.lifetime-value.model = pareto")).getMessage());
    assertEquals("tiering.lifetime-value.holdout-days must be > 0, got 0",
        assertThrows(TieringException.class, () -> TieringConfig.parse("tiering.lifetime-value.holdout-days = 0")).getMessage());
    assertEquals("tiering.lifetime-value needs 0 < uninformative-p-alive < 1 and 0 < uninformative-share <= 1",
        assertThrows(TieringException.class,
            () -> TieringConfig.parse("tiering.lifetime-value.uninformative-share = 1.5")).getMessage());
    assertEquals("bgnbd", TieringConfig.parse("").lifetimeValue().choice().model());
  }
}
