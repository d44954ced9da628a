package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** npv = Σ_t (M·Q_t − X)/(1+i)^t − C: the worked example of docs/lifetime-value.md and its inputs. */
class CustomerNpvTest {
  private static final StructType VALUED = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(CustomerNpv.BEFORE_ACQUISITION, DataTypes.DoubleType);

  /**
   * The worked example: expected purchases 2, 1.5 and 1 in years 1..3, 100 per purchase at a 30 %
   * margin (M = 30), maintenance X = 10 a year, i = 10 %, acquisition C = 50:
   * (60 − 10)/1.1 + (45 − 10)/1.21 + (30 − 10)/1.331 − 50
   * = 45.454545 + 28.925620 + 15.026296 − 50 = 39.406461.
   */
  @Test
  void workedExample() {
    double sum = CustomerNpv.presentValue(new double[] {0, 2, 3.5, 4.5}, 100, 0.30, 10, 0.10);
    assertEquals(50 / 1.1 + 35 / 1.21 + 20 / 1.331, sum, 1e-12);
    assertEquals(89.406461, sum, 1e-6);
    Dataset<Row> valued = SparkTestSession.frame(VALUED, new Object[] {"w", sum});
    TieringConfig.Npv npv = TieringConfig.parse("tiering.lifetime-value { npv-years = 3, yearly-discount-rate = 0.10,"
        + " yearly-maintenance-cost = 10, acquisition-cost = 50 }").lifetimeValue().npv();
    Row r = new CustomerNpv(npv).apply(valued, Optional.empty()).first();
    assertEquals(39.406461, r.<Double>getAs(Columns.NPV), 1e-6);
    assertEquals(50.0, r.<Double>getAs(Columns.ACQUISITION_COST), 0.0);
  }

  @Test
  void thePredictorSumsWholeYearsOfTheFittedModels() {
    BgNbd.Params purchases = new BgNbd.Params(0.243, 30.9, 0.793, 2.426);
    GammaGamma.Params spend = new GammaGamma.Params(6.25, 3.74, 15.44);
    TieringConfig.LifetimeValue config = TieringConfig.parse("tiering.lifetime-value { npv-years = 2,"
        + " yearly-discount-rate = 0.05, yearly-maintenance-cost = 3 }").lifetimeValue();
    Row r = new LifetimeValue.Predictor(purchases, spend, config).call(4, 200, 365, 50.0, 0.4);
    double year1 = BgNbd.expectedPurchases(purchases, 4, 200, 365, 365.2425);
    double year2 = BgNbd.expectedPurchases(purchases, 4, 200, 365, 2 * 365.2425) - year1;
    double m = 0.4 * GammaGamma.expectedAverageValue(spend, 4, 50.0);
    assertEquals((m * year1 - 3) / 1.05 + (m * year2 - 3) / (1.05 * 1.05), r.getDouble(4), 1e-9);
  }

  @Test
  void acquisitionCostFromTheCustomersTableOrTheConfiguredAmount() {
    StructType customers = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add("acquisition_cost", DataTypes.StringType);
    Dataset<Row> table = SparkTestSession.frame(customers, new Object[] {"a", "120"}, new Object[] {"b", null},
        new Object[] {"c", "n/a"}, new Object[] {"a", "80"});
    Dataset<Row> valued = SparkTestSession.frame(VALUED, new Object[] {"a", 500.0}, new Object[] {"b", 500.0},
        new Object[] {"c", 500.0}, new Object[] {"d", 500.0}, new Object[] {"e", null});
    TieringConfig.Npv npv = TieringConfig.parse("tiering.lifetime-value { acquisition-cost = 30,"
        + " acquisition-cost-column = acquisition_cost }").lifetimeValue().npv();
    Map<String, Row> rows = SparkTestSession.byCustomer(new CustomerNpv(npv).apply(valued, Optional.of(table)));
    assertEquals(5, rows.size(), "a customer listed twice is still one row");
    // a: listed with 120 and 80, the larger counts; b (null), c (not a number), d (not listed): 30.
    assertEquals(380.0, rows.get("a").<Double>getAs(Columns.NPV), 1e-12);
    assertEquals(470.0, rows.get("b").<Double>getAs(Columns.NPV), 1e-12);
    assertEquals(470.0, rows.get("c").<Double>getAs(Columns.NPV), 1e-12);
    assertEquals(470.0, rows.get("d").<Double>getAs(Columns.NPV), 1e-12);
    assertNull(rows.get("e").getAs(Columns.NPV), "no prediction, no npv");

    TieringException absent = assertThrows(TieringException.class,
        () -> new CustomerNpv(npv).apply(valued, Optional.empty()));
    assertEquals("tiering.lifetime-value.acquisition-cost-column = acquisition_cost needs the customers input table,"
        + " which is absent", absent.getMessage());
    TieringException missing = assertThrows(TieringException.class,
        () -> new CustomerNpv(npv).apply(valued, Optional.of(table.drop("acquisition_cost"))));
    assertEquals("input table customers: missing column acquisition_cost (tiering.lifetime-value.acquisition-cost-column)",
        missing.getMessage());
  }

  @Test
  void npvSettingsAreChecked() {
    TieringException e = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.lifetime-value.npv-years = 0"));
    assertEquals("tiering.lifetime-value needs npv-years > 0 and yearly-discount-rate >= 0, got 0 and 0.1", e.getMessage());
  }
}
