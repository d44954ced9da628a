package io.valuetier.generate;

import static io.valuetier.schema.Columns.AMOUNT;
import static io.valuetier.schema.Columns.CATEGORY;
import static io.valuetier.schema.Columns.CHANNEL;
import static io.valuetier.schema.Columns.COST;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.DUE_DATE;
import static io.valuetier.schema.Columns.EMAIL;
import static io.valuetier.schema.Columns.INDUSTRY;
import static io.valuetier.schema.Columns.INVOICE_ID;
import static io.valuetier.schema.Columns.NAME;
import static io.valuetier.schema.Columns.ORDER_ID;
import static io.valuetier.schema.Columns.ORDER_TS;
import static io.valuetier.schema.Columns.PAID_DATE;
import static io.valuetier.schema.Columns.PHONE;
import static io.valuetier.schema.Columns.QUANTITY;
import static io.valuetier.schema.Columns.REGION;
import static io.valuetier.schema.Columns.SIGNUP_DATE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.year;

import io.valuetier.quality.TransactionValidation;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Synthetic transactions, customers and invoices (docs/methods.md, "Input tables") with realistic skew: a few heavy buyers,
 * many one-time buyers, churned customers, returns, seasonal peaks, late payers, and a small
 * share of deliberately bad rows for the quarantine.
 *
 * <p>Everything is computed in Spark from {@code spark.range}; every random number is a hash of
 * (seed, customer, order, line, purpose), so the data is the same for a seed whatever the
 * partitioning or the cluster.
 */
public final class SyntheticData {
  /** What to generate. */
  public record Spec(long customers, long seed, LocalDate endDate, int years, double badRowShare) {}

  private static final long CUSTOMERS_PER_PARTITION = 20_000;
  private static final double HEAVY = 0.03;
  private static final double ONE_TIME = 0.38;
  private static final double CHURNED = 0.53;
  private static final double RETURN_SHARE = 0.03;
  private static final String[] FIRST_NAMES = {"Wei", "Anna", "Jun", "Maria", "Li", "James", "Fang", "Sara", "Ming", "Omar", "Yan", "Lena"};
  private static final String[] LAST_NAMES = {"Zhang", "Smith", "Wang", "Garcia", "Chen", "Müller", "Liu", "Rossi", "Huang", "Khan"};
  private static final String[] REGIONS = {"North", "South", "East", "West", "Central"};
  private static final String[] INDUSTRIES = {"Retail", "Manufacturing", "Services", "Healthcare", "Education", "Logistics"};
  private static final String[] CHANNELS = {"online", "store", "phone"};

  private final Spec spec;
  private final int spanDays;

  public SyntheticData(Spec spec) {
    this.spec = spec;
    this.spanDays = spec.years() * 365;
  }

  /** Writes {@code transactions/}, {@code customers/} and {@code invoices/} under {@code output}. */
  public void write(SparkSession spark, String output) {
    Dataset<Row> people = customerBase(spark);
    Dataset<Row> orders = orders(people);
    transactions(orders).write().mode(SaveMode.Overwrite).parquet(output + "/transactions");
    customers(people).write().mode(SaveMode.Overwrite).parquet(output + "/customers");
    invoices(orders).write().mode(SaveMode.Overwrite).parquet(output + "/invoices");
  }

  /** One row per customer with the hidden traits that drive their behaviour. */
  Dataset<Row> customerBase(SparkSession spark) {
    int partitions = (int) Math.max(2, (spec.customers() + CUSTOMERS_PER_PARTITION - 1) / CUSTOMERS_PER_PARTITION);
    Column id = col("id");
    Column kindU = u(1, id);
    Column kind = when(kindU.lt(HEAVY), "heavy").when(kindU.lt(ONE_TIME), "one_time")
        .when(kindU.lt(CHURNED), "churned").otherwise("regular");
    Dataset<Row> base = spark.range(0, spec.customers(), 1, partitions).withColumn("kind", kind);
    Column k = col("kind");
    Column firstOffset = when(k.equalTo("churned"), floor(u(2, id).multiply(Math.max(spanDays - 500, 1))))
        .when(k.equalTo("one_time"), floor(u(2, id).multiply(spanDays)))
        .otherwise(floor(pow(u(2, id), 1.5).multiply(spanDays * 0.9)));
    Column lastOffset = when(k.equalTo("regular").or(k.equalTo("heavy")), lit(spanDays - 1))
        .when(k.equalTo("one_time"), col("first_offset"))
        .otherwise(col("first_offset").plus(floor(u(3, id).multiply(greatest(lit(spanDays - 400).minus(col("first_offset")), lit(0))))));
    Column orderCount = when(k.equalTo("one_time"), lit(1))
        .when(k.equalTo("churned"), lit(1).plus(floor(u(4, id).multiply(6))))
        .when(k.equalTo("heavy"), lit(20).plus(floor(u(4, id).multiply(80))))
        .otherwise(lit(2).plus(floor(pow(u(4, id), 2).multiply(28))));
    // Pareto-like spend: log-normal basket value, heavy buyers buy bigger baskets too.
    Column scale = exp(lit(3.6).plus(normal(5, id).multiply(0.9)))
        .multiply(when(k.equalTo("heavy"), 4.0).otherwise(1.0));
    Column payU = u(7, id);
    return base
        .withColumn("first_offset", firstOffset.cast(DataTypes.IntegerType))
        .withColumn("last_offset", lastOffset.cast(DataTypes.IntegerType))
        .withColumn("order_count", orderCount.cast(DataTypes.IntegerType))
        .withColumn("scale", scale)
        .withColumn("margin_base", lit(0.15).plus(u(6, id).multiply(0.3)))
        .withColumn("pref_category", floor(u(8, id).multiply(20)))
        .withColumn("payer", when(payU.lt(0.6), "punctual").when(payU.lt(0.9), "late").otherwise("bad"))
        .withColumn("account", u(9, id).lt(0.4))
        .withColumn(CUSTOMER_ID, format_string("C%09d", id));
  }

  /** One row per order: its date (seasonal), line count and traits of its customer. */
  Dataset<Row> orders(Dataset<Row> people) {
    Column id = col("id");
    Column n = col("order_no");
    Column start = lit(java.sql.Date.valueOf(spec.endDate().minusDays(spanDays - 1)));
    Column span = col("last_offset").minus(col("first_offset")).plus(1);
    Column offset = when(n.equalTo(0), col("first_offset"))
        .otherwise(col("first_offset").plus(floor(u(10, id, n).multiply(span))));
    Column plain = date_add(start, offset.cast(DataTypes.IntegerType));
    // A quarter of orders fall in the year-end peak (10 Nov to 24 Dec) when the customer is active then.
    Column peak = date_add(make_date(year(plain), lit(11), lit(10)), floor(u(11, id, n).multiply(45)).cast(DataTypes.IntegerType));
    Column inSpan = peak.geq(date_add(start, col("first_offset"))).and(peak.leq(date_add(start, col("last_offset"))));
    Column date = when(u(12, id, n).lt(0.25).and(inSpan), peak).otherwise(plain);
    return people
        .withColumn("order_no", explode(sequence(lit(0), col("order_count").minus(1))))
        .withColumn("order_day", date)
        .withColumn(ORDER_ID, format_string("O%09d-%03d", id, n))
        .withColumn(ORDER_TS, timestamp_seconds(unix_date(col("order_day")).multiply(86400L)
            .plus(floor(u(13, id, n).multiply(86400)))))
        .withColumn("line_count", lit(1).plus(floor(u(14, id, n).multiply(4))).cast(DataTypes.IntegerType));
  }

  Dataset<Row> transactions(Dataset<Row> orders) {
    Column id = col("id");
    Column n = col("order_no");
    Column line = col("line_no");
    Column quantity = lit(1).plus(floor(u(20, id, n, line).multiply(3)));
    Column amount = round(col("scale").multiply(exp(normal(21, id, n, line).multiply(0.5))).multiply(quantity), 2);
    Column costShare = lit(1.0).minus(col("margin_base")).plus(u(22, id, n, line).minus(0.5).multiply(0.1));
    Dataset<Row> lines = orders
        .withColumn("line_no", explode(sequence(lit(1), col("line_count"))))
        .select(
            id, n, line,
            col(ORDER_ID),
            col(CUSTOMER_ID),
            col(ORDER_TS),
            amount.cast(TransactionValidation.MONEY).as(AMOUNT),
            round(amount.multiply(costShare), 2).cast(TransactionValidation.MONEY).as(COST),
            quantity.cast(DataTypes.IntegerType).as(QUANTITY),
            format_string("cat_%02d", pmod(col("pref_category").plus(floor(pow(u(23, id, n, line), 2).multiply(6))), lit(20))).as(CATEGORY),
            pick(CHANNELS, u(24, id, n, line)).as(CHANNEL));
    Dataset<Row> withReturns = lines.unionByName(returns(lines));
    return withBadRows(withReturns).drop("id", "order_no", "line_no");
  }

  /** A few lines come back 3 to 30 days later: same order, negative amount, no cost. */
  private Dataset<Row> returns(Dataset<Row> lines) {
    Column id = col("id");
    Column n = col("order_no");
    Column line = col("line_no");
    Column returnTs = col(ORDER_TS).plus(org.apache.spark.sql.functions.make_dt_interval(
        floor(lit(3).plus(u(31, id, n, line).multiply(28))).cast(DataTypes.IntegerType), lit(0), lit(0), lit(0)));
    Column endOfData = lit(java.sql.Timestamp.valueOf(spec.endDate().plusDays(1).atStartOfDay()));
    return lines.where(u(30, id, n, line).lt(RETURN_SHARE))
        .withColumn(ORDER_TS, returnTs)
        .where(col(ORDER_TS).lt(endOfData))
        .withColumn(AMOUNT, col(AMOUNT).multiply(-1).cast(TransactionValidation.MONEY))
        .withColumn(COST, lit(0).cast(TransactionValidation.MONEY))
        .withColumn("line_no", line.plus(1000));
  }

  /** Deliberately bad rows, one kind each: null ids, a future date, negative cost, an exact duplicate. */
  private Dataset<Row> withBadRows(Dataset<Row> lines) {
    if (spec.badRowShare() <= 0) {
      return lines;
    }
    Column id = col("id");
    Column draw = u(40, id, col("order_no"), col("line_no"));
    Column bad = draw.lt(spec.badRowShare());
    Column kind = floor(draw.divide(spec.badRowShare()).multiply(5));
    Column future = lit(java.sql.Timestamp.valueOf(spec.endDate().plusDays(30).atStartOfDay()));
    Dataset<Row> mutated = lines
        .withColumn(CUSTOMER_ID, when(bad.and(kind.equalTo(0)), lit(null)).otherwise(col(CUSTOMER_ID)))
        .withColumn(ORDER_ID, when(bad.and(kind.equalTo(1)), lit(null)).otherwise(col(ORDER_ID)))
        .withColumn(ORDER_TS, when(bad.and(kind.equalTo(2)), future).otherwise(col(ORDER_TS)))
        .withColumn(COST, when(bad.and(kind.equalTo(3)), col(COST).multiply(-1).cast(TransactionValidation.MONEY)).otherwise(col(COST)));
    return mutated.unionByName(lines.where(bad.and(kind.equalTo(4))));
  }

  Dataset<Row> customers(Dataset<Row> people) {
    Column id = col("id");
    Column first = pick(FIRST_NAMES, u(50, id));
    Column last = pick(LAST_NAMES, u(51, id));
    Column phone = format_string("1%02d%08d", lit(30).plus(floor(u(52, id).multiply(60))).cast(DataTypes.IntegerType),
        floor(u(53, id).multiply(100_000_000L)).cast(DataTypes.LongType));
    Column start = lit(java.sql.Date.valueOf(spec.endDate().minusDays(spanDays - 1)));
    return people.select(
        col(CUSTOMER_ID),
        concat(first, lit(" "), last).as(NAME),
        phone.as(PHONE),
        format_string("%s.%s%d@example.com", lower(first), lower(last), id).as(EMAIL),
        date_add(start, col("first_offset").minus(floor(u(54, id).multiply(60))).cast(DataTypes.IntegerType)).as(SIGNUP_DATE),
        pick(INDUSTRIES, u(55, id)).as(INDUSTRY),
        pick(REGIONS, u(56, id)).as(REGION));
  }

  /** Account customers are invoiced per order, due in 30 days; late and bad payers pay late or never. */
  Dataset<Row> invoices(Dataset<Row> orders) {
    Column id = col("id");
    Column n = col("order_no");
    Column due = date_add(col("order_day"), 30);
    Column payer = col("payer");
    Column paid = when(payer.equalTo("punctual"), date_add(due, floor(u(60, id, n).multiply(-10)).cast(DataTypes.IntegerType)))
        .when(payer.equalTo("late"), date_add(due, lit(1).plus(floor(u(60, id, n).multiply(45))).cast(DataTypes.IntegerType)))
        .when(u(61, id, n).lt(0.5), lit(null).cast(DataTypes.DateType))
        .otherwise(date_add(due, lit(30).plus(floor(u(60, id, n).multiply(90))).cast(DataTypes.IntegerType)));
    Column paidByEnd = when(paid.leq(lit(java.sql.Date.valueOf(spec.endDate()))), paid);
    return orders.where(col("account")).select(
        col(CUSTOMER_ID),
        format_string("I%09d-%03d", id, n).as(INVOICE_ID),
        due.as(DUE_DATE),
        paidByEnd.as(PAID_DATE),
        round(col("scale").multiply(col("line_count")).multiply(2), 2).cast(TransactionValidation.MONEY).as(AMOUNT));
  }

  /** A uniform number in [0, 1) from a hash of the seed, a purpose and the given keys. */
  private Column u(int purpose, Column... keys) {
    Column[] all = new Column[keys.length + 2];
    all[0] = lit(spec.seed());
    all[1] = lit(purpose);
    System.arraycopy(keys, 0, all, 2, keys.length);
    return pmod(xxhash64(all), lit(1L << 53)).cast(DataTypes.DoubleType).divide((double) (1L << 53));
  }

  /** A standard normal number (Box–Muller on two hashed uniforms). */
  private Column normal(int purpose, Column... keys) {
    Column u1 = greatest(u(purpose, keys), lit(1e-12));
    Column u2 = u(purpose + 100, keys);
    return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  private static Column pick(String[] values, Column uniform) {
    Column[] lits = Arrays.stream(values).map(v -> lit(v)).toArray(Column[]::new);
    Column index = least(floor(uniform.multiply(values.length)), lit(values.length - 1)).plus(1).cast(DataTypes.IntegerType);
    return element_at(array(lits), index);
  }
}
