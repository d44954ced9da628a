package io.valuetier.grading;

import static io.valuetier.SparkTestSession.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.valuetier.SparkTestSession;
import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.features.CostToServe;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Cost to serve from the service_costs table and the rules of conf, and the four cost-contribution classes. */
class CostContributionTest {
  private static final LocalDate D = LocalDate.of(2026, 6, 30);
  /** W = 73 days, a fifth of a year: window (2026-04-18, 2026-06-30], and × 5 scales it to a year. */
  private static final int W = 73;
  private static final StructType FEATURES = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.FREQUENCY, DataTypes.LongType)
      .add(Columns.MONETARY, TransactionValidation.MONEY)
      .add(Columns.PROFIT, TransactionValidation.MONEY);
  private static final StructType COSTS = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.COST, DataTypes.createDecimalType(18, 2))
      .add(Columns.COST_DATE, DataTypes.DateType)
      .add(Columns.COST_PERIOD, DataTypes.StringType);
  private static final StructType INVOICES = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.DUE_DATE, DataTypes.DateType)
      .add(Columns.PAID_DATE, DataTypes.DateType);

  private static Object[] customer(String id, long orders, int monetary, Integer profit) {
    return new Object[] {id, orders, new BigDecimal(monetary).setScale(2), profit == null ? null : new BigDecimal(profit).setScale(2)};
  }

  private static Object[] cost(String id, String amount, String date, String period) {
    return new Object[] {id, amount == null ? null : new BigDecimal(amount), date == null ? null : Date.valueOf(date), period};
  }

  private static Dataset<Row> fixtureCustomers() {
    return frame(FEATURES, customer("g", 4, 1000, 400), customer("s", 2, 1000, 100), customer("o", 1, 1500, 200),
        customer("e", 1, 500, -50), customer("n", 0, 0, 0));
  }

  private static Dataset<Row> fixtureCosts() {
    return frame(COSTS,
        cost("g", "300.00", null, "2026-05"), // May counts on May 1: in W
        cost("g", "500.00", "2026-01-01", null), // before W
        cost("s", "290.00", "2026-06-30", null), // D itself: in W
        cost("s", "1000.00", "2026-04-18", null), // D − W: just outside
        cost("o", "999.00", null, "2026-04"), // April counts on April 1: outside
        cost("o", "998.00", "2026-06-01", "2026-04"), // a date wins over a period
        cost("nobody", "50.00", "2026-06-01", null)); // not a customer: ignored
  }

  private static Map<String, Row> graded(String conf, Dataset<Row> customers, Optional<Dataset<Row>> costs) {
    TieringConfig config = TieringConfig.parse("tiering.window-days = " + W + "\n" + conf);
    Dataset<Row> invoices = frame(INVOICES, new Object[] {"g", Date.valueOf("2026-05-15"), null},
        new Object[] {"g", Date.valueOf("2026-03-01"), null});
    Dataset<Row> served = new CostToServe(D, W, config.costToServe()).apply(customers, costs, Optional.of(invoices));
    return SparkTestSession.byCustomer(CostContribution.apply(served, config.costToServe(), W));
  }

  /**
   * per-order 2, per-invoice 1, per-customer-year 10, average margin 0.25 → gold ≥ 0.5, silver ≥ 0.25,
   * ordinary ≥ 0.125. Cost to serve = (table costs in W + 2 × orders + 1 × invoices due in W) × 5 + 10:
   *   g: (300 + 8 + 1) × 5 + 10 = 1555, yearly profit 400 × 5 = 2000, rate 1.2862 → gold;
   *   s: (290 + 4) × 5 + 10 = 1480, profit 500, rate 0.3378 → silver;
   *   o: (998 + 2) × 5 + 10 = 5010, profit 1000, rate 0.1996 → ordinary;
   *   e: 2 × 5 + 10 = 20, profit −250, rate −12.5 → eliminate;
   *   n: no orders, 10, profit 0, rate 0 → eliminate.
   */
  @Test
  void classesOfAHandWorkedFixture() {
    Map<String, Row> r = graded("tiering.cost-to-serve { per-order = 2, per-invoice = 1, per-customer-year = 10,"
        + " average-margin = 0.25 }", fixtureCustomers(), Optional.of(fixtureCosts()));
    assertEquals(5, r.size(), "one row per customer");
    assertClass(r.get("g"), 1555, 2000 / 1555.0, "gold");
    assertClass(r.get("s"), 1480, 500 / 1480.0, "silver");
    assertClass(r.get("o"), 5010, 1000 / 5010.0, "ordinary");
    assertClass(r.get("e"), 20, -12.5, "eliminate");
    assertClass(r.get("n"), 10, 0.0, "eliminate");
  }

  @Test
  void theCompanysOwnMarginByDefault() {
    // Profit 400 + 100 + 200 − 50 + 0 = 650 over revenue 4000: m = 0.1625, gold ≥ 0.325: s (0.3378) is gold now.
    assertEquals(0.1625, CostContribution.companyMargin(fixtureCustomers()).orElseThrow(), 1e-12);
    Map<String, Row> r = graded("tiering.cost-to-serve { per-order = 2, per-invoice = 1, per-customer-year = 10 }",
        fixtureCustomers(), Optional.of(fixtureCosts()));
    assertEquals("gold", r.get("s").getAs(Columns.COST_CONTRIBUTION_CLASS));
    // o: 0.1996 ≥ 0.1625 → silver.
    assertEquals("silver", r.get("o").getAs(Columns.COST_CONTRIBUTION_CLASS));
  }

  @Test
  void zeroCostNoProfitAndNoTable() {
    // Defaults: no rules, no table → cost 0: the rate is undefined; profit > 0 is gold, none is eliminate.
    Map<String, Row> r = graded("", fixtureCustomers(), Optional.empty());
    assertClass(r.get("g"), 0, null, "gold");
    assertClass(r.get("e"), 0, null, "eliminate");
    assertClass(r.get("n"), 0, null, "eliminate");
    // No cost column in transactions: profit is null, so are the rate and the class.
    Map<String, Row> noProfit = graded("tiering.cost-to-serve.per-order = 2",
        frame(FEATURES, customer("a", 3, 100, null), customer("b", 1, 50, null)), Optional.empty());
    assertClass(noProfit.get("a"), 6 * 5, null, null);
    assertClass(noProfit.get("b"), 2 * 5, null, null);
  }

  private static void assertClass(Row r, double cost, Double rate, String grade) {
    assertEquals(cost, r.<Double>getAs(Columns.COST_TO_SERVE), 1e-9, "cost_to_serve of " + r.getAs(Columns.CUSTOMER_ID));
    if (rate == null) {
      assertNull(r.getAs(Columns.COST_CONTRIBUTION_RATE));
    } else {
      assertEquals(rate, r.<Double>getAs(Columns.COST_CONTRIBUTION_RATE), 1e-9, "rate of " + r.getAs(Columns.CUSTOMER_ID));
    }
    assertEquals(grade, r.getAs(Columns.COST_CONTRIBUTION_CLASS), "class of " + r.getAs(Columns.CUSTOMER_ID));
  }

  @Test
  void costsThatCannotBePlacedAreAnError() {
    Dataset<Row> bad = frame(COSTS, cost("g", "10.00", "2026-06-01", null), cost(null, "10.00", "2026-06-01", null),
        cost("g", "-1.00", "2026-06-01", null), cost("g", "10.00", null, "2026-13"), cost("g", null, "2026-06-01", null));
    TieringException e = assertThrows(TieringException.class, () -> graded("", fixtureCustomers(), Optional.of(bad)));
    assertEquals("input table service_costs: 4 of 5 rows lack a customer_id, a cost >= 0 or a valid date or period (yyyy-MM)",
        e.getMessage());
    TieringException undated = assertThrows(TieringException.class,
        () -> graded("", fixtureCustomers(), Optional.of(fixtureCosts().drop(Columns.COST_DATE, Columns.COST_PERIOD))));
    assertEquals("input table service_costs: missing required column date or period", undated.getMessage());
  }

  @Test
  void badMultiplesAreConfigurationErrors() {
    TieringException e = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.cost-to-serve.silver-multiple = 3"));
    assertEquals("tiering.cost-to-serve needs gold-multiple > silver-multiple > ordinary-multiple, got 2.0, 3.0 and 0.5",
        e.getMessage());
    TieringException m = assertThrows(TieringException.class,
        () -> TieringConfig.parse("tiering.cost-to-serve.average-margin = -0.1"));
    assertEquals("tiering.cost-to-serve.average-margin must be company or a positive number, got -0.1", m.getMessage());
  }
}
