package io.valuetier.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.generate.SyntheticData;
import io.valuetier.privacy.Privacy;
import io.valuetier.schema.Columns;
import io.valuetier.schema.Tables;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generate → run → read the tables back through the catalog → rerun the same date: no duplicates. */
class EndToEndTest {
  private static final LocalDate D1 = LocalDate.of(2026, 10, 31);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private static final int CUSTOMERS = 1500;

  // The data runs to D2, so at D1 three weeks of it lie in the future and are rejected (docs/methods.md, "Validation and quarantine"):
  // the test raises the rejection ceiling rather than hide that.
  @TempDir static Path dir;
  private static SparkSession spark;
  private static TieringConfig config;
  private static String input;
  private static String warehouse;

  @BeforeAll
  static void generate() throws Exception {
    spark = SparkTestSession.get();
    input = dir.resolve("input").toString();
    // Kept after the run (target/e2e-lake): src/test/python reads it back without Spark.
    Path lake = Path.of("target", "e2e-lake").toAbsolutePath();
    org.apache.commons.io.FileUtils.deleteDirectory(lake.toFile());
    warehouse = lake.toString();
    new SyntheticData(new SyntheticData.Spec(CUSTOMERS, 7, D2, 2, 0.002)).write(spark, input);
    // An optional service_costs table: 25.00 dated ten days before D1 for a hundred customers of the
    // customers table (the transactions hold planted bad ids).
    spark.read().parquet(input + "/customers").select(Columns.CUSTOMER_ID).distinct().orderBy(Columns.CUSTOMER_ID).limit(100)
        .withColumn(Columns.COST, org.apache.spark.sql.functions.lit(new java.math.BigDecimal("25.00")))
        .withColumn(Columns.COST_DATE, org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(D1.minusDays(10))))
        .write().parquet(input + "/service_costs");
    File conf = dir.resolve("test.conf").toFile();
    Files.writeString(conf.toPath(), "tiering { lake.catalog = e2e, quality.max-rejected-share = 0.2, segmentation { k-min = 3, k-max = 4 } }");
    config = TieringConfig.load(Optional.of(conf));
  }

  private static Dataset<Row> table(String name, LocalDate date) {
    return spark.table("e2e.tiering." + name).where(col(Columns.SNAPSHOT_DATE).equalTo(java.sql.Date.valueOf(date)));
  }

  @Test
  void runWritesEveryTableAndARerunReplacesItsSnapshot() {
    TieringJob.Result first = new TieringJob(spark, config, D1).run(input, warehouse, false);
    long customers = first.summary().customers();
    assertTrue(customers > 1000 && customers <= CUSTOMERS, "customers with history by D1: " + customers);

    Dataset<Row> tiers = table(Tables.CUSTOMER_TIERS, D1);
    assertEquals(customers, tiers.count());
    assertEquals(customers, tiers.select(Columns.CUSTOMER_ID).distinct().count(), "one row per customer");
    assertEquals(customers, table(Tables.CUSTOMER_FEATURES, D1).count());
    // Every "Grading methods" (docs/methods.md) grade is a column of customer_tiers.
    for (String c : new String[] {Columns.R_SCORE, Columns.F_SCORE, Columns.M_SCORE, Columns.RFM_SEGMENT,
        Columns.ABC_CLASS, Columns.CUMULATIVE_SHARE, Columns.VALUE_SCORE, Columns.VALUE_GRADE,
        Columns.LIFECYCLE_STAGE, Columns.CREDIT_SCORE, Columns.VALUE_POTENTIAL, Columns.SEGMENT_ID,
        Columns.SEGMENT, Columns.TIER, Columns.ON_TIME_RATE, Columns.P_ALIVE, Columns.EXPECTED_ORDERS_H,
        Columns.EXPECTED_AVG_VALUE, Columns.CLV, Columns.P_PURCHASE_30D, Columns.P_PURCHASE_90D, Columns.P_PURCHASE_180D,
        Columns.PURCHASE_TIMING, Columns.NPV, Columns.COST_TO_SERVE, Columns.COST_CONTRIBUTION_RATE,
        Columns.COST_CONTRIBUTION_CLASS}) {
      assertTrue(io.valuetier.SparkTestSession.columns(tiers).contains(c), "customer_tiers lacks " + c);
    }
    assertEquals(0, tiers.where(col(Columns.VALUE_GRADE).isNull().or(col(Columns.LIFECYCLE_STAGE).isNull())
        .or(col(Columns.VALUE_POTENTIAL).isNull())).count(), "every customer has every rule-based grade");
    assertTrue(tiers.where(col(Columns.CREDIT_SCORE).isNotNull()).count() > 0, "invoiced customers get a credit score");
    assertEquals(0, tiers.where(col(Columns.TIER).isNull().or(col(Columns.RFM_SEGMENT).isNull())
        .or(col(Columns.ABC_CLASS).isNull()).or(col(Columns.SEGMENT).isNull())).count(), "every customer graded");
    assertEquals(first.summary().k(), table(Tables.SEGMENT_PROFILES, D1).count());
    assertEquals(first.summary().rowsRejected(), table(Tables.REJECTED_TRANSACTIONS, D1).count());
    assertTrue(first.summary().rowsRejected() > 0, "the generator plants bad rows");
    Row run = table(Tables.RUN_SUMMARY, D1).first();
    assertEquals(run.<Long>getAs("rows_read"), run.<Long>getAs("rows_accepted") + run.<Long>getAs("rows_rejected"));
    // Lifetime value (docs/methods.md, "Lifetime value"): both models fitted and converged, every customer with a purchase day valued.
    assertEquals(java.util.Set.of("bgnbd.r", "bgnbd.alpha", "bgnbd.a", "bgnbd.b", "gamma_gamma.p", "gamma_gamma.q",
        "gamma_gamma.v"), new java.util.HashSet<>(run.<String, Double>getJavaMap(run.fieldIndex("lifetime_parameters")).keySet()));
    java.util.Map<String, String> lifetimeStatus = run.getJavaMap(run.fieldIndex("lifetime_status"));
    for (String model : new String[] {"bgnbd", "gamma_gamma"}) {
      assertTrue(lifetimeStatus.get(model).startsWith("converged"), lifetimeStatus.toString());
    }
    // The default model, and the check of p_alive on every run; holdout errors only with model = auto.
    assertEquals("bgnbd (configured)", lifetimeStatus.get("model"));
    assertTrue(lifetimeStatus.get("p_alive").matches("(un)?informative: p_alive > 0\\.99 for .*"), lifetimeStatus.get("p_alive"));
    assertTrue(run.getJavaMap(run.fieldIndex("lifetime_holdout_error")).isEmpty());
    assertEquals(0, tiers.where(col(Columns.REPEAT_PURCHASES).isNotNull().and(col(Columns.CLV).isNull()
        .or(col(Columns.P_ALIVE).lt(0)).or(col(Columns.P_ALIVE).gt(1)))).count(), "valued, p_alive a probability");
    // The service_costs table reached those of the hundred with a history by D1 (W = 365: no
    // scaling; no rules by default); everyone else costs nothing.
    long served = tiers.where(col(Columns.COST_TO_SERVE).equalTo(25.0)).count();
    assertTrue(served > 50 && served <= 100, served + " customers with a service cost");
    assertEquals(customers - served, tiers.where(col(Columns.COST_TO_SERVE).equalTo(0.0)).count());
    assertEquals(0, tiers.where(col(Columns.REPEAT_PURCHASES).isNotNull().and(col(Columns.PURCHASE_TIMING).isNull()
        .or(col(Columns.NPV).isNull()).or(col(Columns.P_PURCHASE_30D).gt(col(Columns.P_PURCHASE_90D))))).count(),
        "timing and npv for every customer with a history, P(30 d) <= P(90 d)");
    assertTrue(run.<String, Double>getJavaMap(run.fieldIndex("scoring_weights")).containsKey("cr.tiering.scoring.ahp.matrix"));
    Dataset<Row> newMethods = table(Tables.TIER_SUMMARY, D1).where(col("method").isin("cost_contribution", "purchase_timing"));
    assertEquals(2, newMethods.select("method").distinct().count(), "both new methods are in tier_summary");
    assertEquals(0, newMethods.where(col("grade").isNotNull().and(col("treatment").isNull())).count(),
        "every class and timing grade has its treatment");
    // Every method's customer shares add up to 100 %.
    for (Row r : table(Tables.TIER_SUMMARY, D1).groupBy("method").sum("customer_share_pct").collectAsList()) {
      assertEquals(100.0, r.getDouble(1), 1e-6, "shares of " + r.getString(0));
    }

    // PII: masked contact columns only, in the formats of "Output tables" (docs/methods.md); raw values appear in no column.
    assertTrue(!io.valuetier.SparkTestSession.columns(tiers).contains(Columns.PHONE)
        && !io.valuetier.SparkTestSession.columns(tiers).contains(Columns.EMAIL)
        && !io.valuetier.SparkTestSession.columns(tiers).contains(Columns.NAME), "raw PII columns in customer_tiers");
    assertEquals(0, tiers.where(not(col(Privacy.PHONE_MASKED).rlike("^[0-9]{3}\\*{4}[0-9]{4}$"))
        .or(not(col(Privacy.EMAIL_MASKED).rlike("^.\\*{3}@example\\.com$")))).count());
    Dataset<Row> raw = spark.read().parquet(input + "/customers");
    assertEquals(0, tiers.join(raw, tiers.col(Privacy.PHONE_MASKED).equalTo(raw.col(Columns.PHONE))
        .or(tiers.col(Privacy.EMAIL_MASKED).equalTo(raw.col(Columns.EMAIL)))).count());

    long[] before = counts(D1);
    java.util.List<String> gradesBefore = grades(D1);
    new TieringJob(spark, config, D1).run(input, warehouse, false);
    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(counts(D1)), "rerun replaces, never duplicates");
    assertEquals(gradesBefore, grades(D1), "a rerun of a date gives the same grades");
    assertEquals(1, table(Tables.RUN_SUMMARY, D1).count());

    // A second date lives beside the first; --reuse-model takes the model saved for D1.
    TieringJob.Result second = new TieringJob(spark, config, D2).run(input, warehouse, true);
    assertEquals(first.summary().k(), second.summary().k());
    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(counts(D1)));
    assertEquals(second.summary().customers(), table(Tables.CUSTOMER_TIERS, D2).count());
    // D2 is graded against D1: customers known then carry their previous tier, and the migration
    // matrix accounts for every customer.
    Dataset<Row> tiers2 = table(Tables.CUSTOMER_TIERS, D2);
    assertEquals(customers, tiers2.where(col(Columns.PREVIOUS_TIER).isNotNull()).count(), "everyone graded at D1 is still there");
    assertEquals(second.summary().customers(),
        table(Tables.TIER_MIGRATION, D2).agg(org.apache.spark.sql.functions.sum(Columns.CUSTOMERS)).first().getLong(0));
    assertEquals(0, tiers2.where(col(Columns.TIER_CHANGED).and(col(Columns.TIER).equalTo(col(Columns.PREVIOUS_TIER)))).count());
    assertEquals(0, tiers2.where(col(Columns.CHANGE_REASON).equalTo("held")
        .and(col(Columns.TIER).notEqual(col(Columns.PREVIOUS_TIER)))).count(), "held tiers keep the previous tier");

    // --refit on D2 fits again but keeps the k of the earlier night's model rather than choosing
    // anew, so segment names keep their meaning; only that k is scored.
    TieringJob.Result refit = new TieringJob(spark, config, D2).run(input, warehouse, false, true);
    assertEquals(first.summary().k(), refit.summary().k());
    assertEquals(java.util.Set.of(first.summary().k()), refit.summary().silhouetteByK().keySet());
  }

  @Test
  void backtestWritesBothModelsComparisonsToClvBacktest() throws Exception {
    // model = auto backtests both models; half a year of holdout before the data's end.
    File conf = dir.resolve("backtest.conf").toFile();
    Files.writeString(conf.toPath(), "tiering { lake.catalog = e2e, quality.max-rejected-share = 0.2, lifetime-value.model = auto }");
    TieringConfig auto = TieringConfig.load(Optional.of(conf));
    LocalDate calibrationEnd = D2.minusDays(180);
    BacktestJob.Result result = new BacktestJob(spark, auto, calibrationEnd, D2).run(input, warehouse);
    Dataset<Row> rows = table(Tables.CLV_BACKTEST, calibrationEnd);
    assertEquals(2 * 9, rows.count(), "groups 0..6, 7+ and all, for bgnbd and mbgnbd");
    assertEquals(2 * 9, result.rows().size());
    // The customers of the backtest: a purchase day on or before D1, counted here from the raw
    // Parquet without the job's code (the planted bad rows aside, which have no valid date or id).
    Dataset<Row> raw = spark.read().parquet(input + "/transactions");
    String when = java.util.Arrays.asList(raw.columns()).contains(Columns.ORDER_TS) ? Columns.ORDER_TS : Columns.ORDER_DATE;
    long known = raw.where(col(Columns.CUSTOMER_ID).isNotNull()
            .and(col(when).cast("date").leq(java.sql.Date.valueOf(calibrationEnd))))
        .select(Columns.CUSTOMER_ID).distinct().count();
    for (String model : new String[] {"bgnbd", "mbgnbd"}) {
      Dataset<Row> m = rows.where(col(Columns.PURCHASE_MODEL).equalTo(model));
      Row all = m.where(col(Columns.FREQUENCY_GROUP).equalTo("all")).first();
      Row groups = m.where(col(Columns.FREQUENCY_GROUP).notEqual("all"))
          .agg(org.apache.spark.sql.functions.sum(Columns.CUSTOMERS), org.apache.spark.sql.functions.sum(Columns.ACTUAL_PURCHASES),
              org.apache.spark.sql.functions.sum(Columns.PREDICTED_PURCHASES)).first();
      assertEquals(all.<Long>getAs(Columns.CUSTOMERS), groups.getLong(0), model + ": groups add up to all");
      assertEquals(all.<Double>getAs(Columns.ACTUAL_PURCHASES), groups.getDouble(1), 1e-6);
      assertEquals(all.<Double>getAs(Columns.PREDICTED_PURCHASES), groups.getDouble(2), 1e-6);
      assertEquals(result.customers(), all.<Long>getAs(Columns.CUSTOMERS));
      assertTrue(Math.abs(known - result.customers()) <= 0.01 * known, known + " vs " + result.customers());
      assertEquals(180, all.<Integer>getAs(Columns.HOLDOUT_DAYS));
      assertTrue(all.<Double>getAs(Columns.LOG_LIKELIHOOD) < 0);
    }
    // A rerun of the same calibration end replaces its rows.
    new BacktestJob(spark, auto, calibrationEnd, D2).run(input, warehouse);
    assertEquals(2 * 9, table(Tables.CLV_BACKTEST, calibrationEnd).count());
    io.valuetier.TieringException e = org.junit.jupiter.api.Assertions.assertThrows(io.valuetier.TieringException.class,
        () -> new BacktestJob(spark, auto, D2, D2));
    assertEquals("--calibration-end (2026-11-21) must be before --holdout-end (2026-11-21)", e.getMessage());
  }

  private static java.util.List<String> grades(LocalDate date) {
    return io.valuetier.SparkTestSession.sorted(table(Tables.CUSTOMER_TIERS, date)
        .select(Columns.CUSTOMER_ID, Columns.TIER, Columns.SEGMENT, Columns.RFM_SEGMENT, Columns.ABC_CLASS, Columns.VALUE_SCORE));
  }

  private static long[] counts(LocalDate date) {
    return Tables.ALL.stream().mapToLong(t -> table(t, date).count()).toArray();
  }
}
