package io.valuetier.jobs;

import static io.valuetier.schema.Columns.CALIBRATION_END;
import static io.valuetier.schema.Columns.FREQUENCY_GROUP;
import static io.valuetier.schema.Columns.HOLDOUT_DAYS;
import static io.valuetier.schema.Columns.HOLDOUT_END;
import static io.valuetier.schema.Columns.LOG_LIKELIHOOD;
import static io.valuetier.schema.Columns.MODEL_PARAMETERS;
import static io.valuetier.schema.Columns.PURCHASE_MODEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.io.Lake;
import io.valuetier.lifetime.Backtest;
import io.valuetier.lifetime.LifetimeValue;
import io.valuetier.lifetime.MaximumLikelihood;
import io.valuetier.lifetime.PurchaseModel;
import io.valuetier.quality.ValidatedTransactions;
import io.valuetier.schema.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The backtest command: read → validate → purchase histories up to the calibration end D1 and the
 * purchase days in (D1, D2] → fit each purchase model on the histories → compare its predictions
 * with the holdout by calibration frequency → write {@code clv_backtest} (snapshot date D1).
 */
public final class BacktestJob {
  private final SparkSession spark;
  private final TieringConfig config;
  private final LocalDate calibrationEnd;
  private final LocalDate holdoutEnd;
  private final String runId = UUID.randomUUID().toString();
  private final Stages stages;

  public BacktestJob(SparkSession spark, TieringConfig config, LocalDate calibrationEnd, LocalDate holdoutEnd) {
    TieringException.check(calibrationEnd.isBefore(holdoutEnd),
        "--calibration-end (%s) must be before --holdout-end (%s)", calibrationEnd, holdoutEnd);
    this.spark = spark;
    this.config = config;
    this.calibrationEnd = calibrationEnd;
    this.holdoutEnd = holdoutEnd;
    this.stages = new Stages(spark, runId);
  }

  /** The rows written to clv_backtest: a few per model (frequency groups and "all"), small enough to show. */
  public record Result(List<Row> rows, long customers) {}

  /** The configured model, or both when it is auto. */
  List<String> models() {
    String model = config.lifetimeValue().choice().model();
    return config.lifetimeValue().choice().auto() ? List.of(LifetimeValue.BG_NBD, LifetimeValue.MBG_NBD) : List.of(model);
  }

  public Result run(String inputDir, String warehouse) {
    // It writes to the lake too: never beside a nightly run on the same warehouse.
    try (Lake.RunLock lock = Lake.lock(config.lake(), warehouse, runId, calibrationEnd)) {
      // Validated as of today (or D2 if later): rows after D2 are valid, just outside the backtest;
      // validating as of D2 would quarantine them as future-dated.
      LocalDate validatedAsOf = LocalDate.now().isAfter(holdoutEnd) ? LocalDate.now() : holdoutEnd;
      ValidatedTransactions input = new TieringJob(spark, config, validatedAsOf).validate(inputDir);
      Lake lake = Lake.open(spark, config, warehouse);
      Backtest.Split split = Backtest.Split.of(input.accepted(), calibrationEnd, holdoutEnd);
      Dataset<Row> calibration = stages.run("histories", "purchase histories up to " + calibrationEnd,
          () -> split.calibration().persist(StorageLevel.MEMORY_AND_DISK()), c -> c.count() + " customers");
      Dataset<Row> customers = stages.run("holdout", "purchase days in (" + calibrationEnd + ", " + holdoutEnd + "]",
          () -> split.customers().persist(StorageLevel.MEMORY_AND_DISK()), c -> c.count() + " customers");
      LifetimeValue lifetime = new LifetimeValue(config.lifetimeValue());
      List<Dataset<Row>> perModel = new ArrayList<>();
      for (String model : models()) {
        MaximumLikelihood.Fit fit = stages.run("fit-" + model, model + " fitted up to " + calibrationEnd,
            () -> lifetime.fitPurchases(model, calibration).orElseThrow(() -> new TieringException(
                "backtest: no customer has a repeat purchase up to " + calibrationEnd + "; nothing to fit")),
            MaximumLikelihood.Fit::toString);
        perModel.add(Backtest.byFrequency(Backtest.predict(customers, PurchaseModel.of(fit), split.holdoutDays()))
            .select(lit(model).as(PURCHASE_MODEL), lit(java.sql.Date.valueOf(calibrationEnd)).as(CALIBRATION_END),
                lit(java.sql.Date.valueOf(holdoutEnd)).as(HOLDOUT_END), lit((int) split.holdoutDays()).as(HOLDOUT_DAYS),
                col("*"), lit(fit.logLikelihood()).as(LOG_LIKELIHOOD), parameterMap(fit).as(MODEL_PARAMETERS)));
      }
      Dataset<Row> rows = stages.run("compare", "predicted against actual holdout purchases",
          () -> perModel.stream().reduce(Dataset::unionByName).orElseThrow().persist(StorageLevel.MEMORY_AND_DISK()),
          r -> r.count() + " rows");
      stages.run("write", "replace snapshot " + calibrationEnd + " of " + Tables.CLV_BACKTEST, () -> {
        lake.replaceSnapshot(Tables.CLV_BACKTEST, rows, calibrationEnd);
        return 1;
      }, n -> n + " table");
      // Nine rows per model, collected for the console.
      List<Row> shown = rows.orderBy(col(PURCHASE_MODEL), col(FREQUENCY_GROUP)).collectAsList();
      return new Result(shown, customers.count());
    } finally {
      spark.catalog().clearCache();
    }
  }

  private static org.apache.spark.sql.Column parameterMap(MaximumLikelihood.Fit fit) {
    List<org.apache.spark.sql.Column> kv = new ArrayList<>();
    fit.parameters().forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return org.apache.spark.sql.functions.map(kv.toArray(org.apache.spark.sql.Column[]::new));
  }
}
