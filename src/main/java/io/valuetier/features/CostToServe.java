package io.valuetier.features;

import static io.valuetier.schema.Columns.COST;
import static io.valuetier.schema.Columns.COST_DATE;
import static io.valuetier.schema.Columns.COST_PERIOD;
import static io.valuetier.schema.Columns.COST_TO_SERVE;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.DUE_DATE;
import static io.valuetier.schema.Columns.FREQUENCY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.io.InputTables;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The yearly cost of serving each customer, {@code cost_to_serve}: the costs of the optional
 * service_costs table dated in W, plus per-order and per-invoice costs of conf for the orders and
 * the invoices due in W, all scaled from W to a year (× 365 / W), plus a fixed cost per customer
 * per year. Requires {@code customer_id, frequency} (orders in W).
 */
public final class CostToServe {
  /** A year, for scaling the window's costs: with W = 365 days nothing is scaled. */
  public static final double DAYS_PER_YEAR = 365.0;

  private static final String TABLE_COST = "table_cost_w";
  private static final String INVOICES_W = "invoices_w";
  private static final String DAY = "cost_day";

  private final LocalDate asOf;
  private final int windowDays;
  private final TieringConfig.CostToServe config;

  public CostToServe(LocalDate asOf, int windowDays, TieringConfig.CostToServe config) {
    this.asOf = asOf;
    this.windowDays = windowDays;
    this.config = config;
  }

  public Dataset<Row> apply(Dataset<Row> features, Optional<Dataset<Row>> serviceCosts, Optional<Dataset<Row>> invoices) {
    Dataset<Row> withCosts = features;
    Column tableCost = lit(0.0);
    if (serviceCosts.isPresent()) {
      withCosts = withCosts.join(tableCostInWindow(serviceCosts.get()), CUSTOMER_ID, "left");
      tableCost = coalesce(col(TABLE_COST), lit(0.0));
    }
    Column invoiceCount = lit(0L);
    if (invoices.isPresent() && config.perInvoice() > 0) {
      withCosts = withCosts.join(invoicesDueInWindow(invoices.get()), CUSTOMER_ID, "left");
      invoiceCount = coalesce(col(INVOICES_W), lit(0L));
    }
    Column inWindow = tableCost
        .plus(col(FREQUENCY).cast(DataTypes.DoubleType).multiply(config.perOrder()))
        .plus(invoiceCount.cast(DataTypes.DoubleType).multiply(config.perInvoice()));
    Column yearly = inWindow.multiply(DAYS_PER_YEAR / windowDays).plus(config.perCustomerYear());
    return withCosts.withColumn(COST_TO_SERVE, yearly).drop(TABLE_COST, INVOICES_W);
  }

  /**
   * Each customer's service costs dated in W. Every row must have a customer_id, a cost >= 0 and a
   * date (or a "yyyy-MM" period, dated on its first day): a cost that cannot be placed is an error
   * rather than a silent zero. One count reaches the driver.
   */
  Dataset<Row> tableCostInWindow(Dataset<Row> costs) {
    Column day = costDay(costs);
    Column cost = col(COST).cast(DataTypes.DoubleType);
    Column id = col(CUSTOMER_ID).cast(DataTypes.StringType);
    Dataset<Row> dated = costs.select(id.as(CUSTOMER_ID), cost.as(COST), day.as(DAY));
    Row check = dated.agg(count(lit(1)),
        count(when(col(CUSTOMER_ID).isNull().or(col(COST).isNull()).or(col(COST).lt(0)).or(col(DAY).isNull()), 1))).first();
    TieringException.check(check.getLong(1) == 0,
        "input table %s: %d of %d rows lack a customer_id, a cost >= 0 or a valid %s or %s (yyyy-MM)",
        InputTables.SERVICE_COSTS, check.getLong(1), check.getLong(0), COST_DATE, COST_PERIOD);
    Column inWindow = col(DAY).gt(lit(java.sql.Date.valueOf(asOf.minusDays(windowDays))))
        .and(col(DAY).leq(lit(java.sql.Date.valueOf(asOf))));
    return dated.where(inWindow).groupBy(CUSTOMER_ID).agg(sum(COST).as(TABLE_COST));
  }

  /** The day a cost counts on: its date, else the first day of its period. */
  private static Column costDay(Dataset<Row> costs) {
    List<String> columns = Arrays.asList(costs.columns());
    TieringException.check(columns.contains(COST_DATE) || columns.contains(COST_PERIOD),
        "input table %s: missing required column %s or %s", InputTables.SERVICE_COSTS, COST_DATE, COST_PERIOD);
    Column byDate = columns.contains(COST_DATE) ? col(COST_DATE).try_cast(DataTypes.DateType) : lit(null).cast(DataTypes.DateType);
    if (!columns.contains(COST_PERIOD)) {
      return byDate;
    }
    Column period = col(COST_PERIOD);
    var type = costs.schema().apply(COST_PERIOD).dataType();
    Column byPeriod;
    if (type instanceof DateType || type instanceof TimestampType) {
      byPeriod = trunc(period.cast(DataTypes.DateType), "month");
    } else if (type instanceof StringType) {
      Column text = org.apache.spark.sql.functions.trim(period);
      byPeriod = when(text.rlike("^[0-9]{4}-(0[1-9]|1[0-2])$"), to_date(concat(text, lit("-01")), "yyyy-MM-dd"));
    } else {
      throw new TieringException(String.format("input table %s: column %s must be text yyyy-MM or a date, got %s",
          InputTables.SERVICE_COSTS, COST_PERIOD, type.simpleString()));
    }
    return coalesce(byDate, byPeriod);
  }

  /** Invoices due in W per customer (the same window as the credit features). */
  private Dataset<Row> invoicesDueInWindow(Dataset<Row> invoices) {
    Column due = col(DUE_DATE).try_cast(DataTypes.DateType);
    Column inWindow = due.gt(lit(java.sql.Date.valueOf(asOf.minusDays(windowDays)))).and(due.leq(lit(java.sql.Date.valueOf(asOf))));
    return invoices.where(inWindow)
        .groupBy(col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID))
        .agg(count(lit(1)).as(INVOICES_W));
  }
}
