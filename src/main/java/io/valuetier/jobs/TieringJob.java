package io.valuetier.jobs;

import static io.valuetier.schema.Columns.ABC_CLASS;
import static io.valuetier.schema.Columns.COMPUTED_TIER;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.TIER_CHANGED;
import static io.valuetier.schema.Columns.LIFECYCLE_STAGE;
import static io.valuetier.schema.Columns.VALUE_GRADE;
import static io.valuetier.schema.Columns.VALUE_POTENTIAL;
import static io.valuetier.schema.Columns.RFM_SEGMENT;
import static io.valuetier.schema.Columns.SEGMENT;
import static io.valuetier.schema.Columns.TIER;
import static org.apache.spark.sql.functions.col;

import io.valuetier.config.TieringConfig;
import io.valuetier.features.CustomerFeatures;
import io.valuetier.features.CreditFeatures;
import io.valuetier.grading.Grading;
import io.valuetier.grading.TierStability;
import io.valuetier.io.InputTables;
import io.valuetier.io.Lake;
import io.valuetier.io.Sessions;
import io.valuetier.lifetime.Backtest;
import io.valuetier.lifetime.LifetimeValue;
import io.valuetier.lifetime.PurchaseHistory;
import io.valuetier.privacy.Privacy;
import io.valuetier.privacy.Publication;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.quality.ValidatedTransactions;
import io.valuetier.schema.Tables;
import io.valuetier.segmentation.SegmentProfiles;
import io.valuetier.segmentation.ValueSegmentation;
import io.valuetier.summary.RunSummary;
import io.valuetier.summary.TierSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * One nightly run (§1): read → validate → features → lifetime value → grades → segments → write
 * the lake.
 * Reads like the pipeline; each step lives in its own class.
 */
public final class TieringJob {
  /** Grading method name → the column holding its grade (the tier_summary rows). */
  public static final Map<String, String> METHODS = methods();

  private final SparkSession spark;
  private final TieringConfig config;
  private final LocalDate asOf;
  private final String runId = UUID.randomUUID().toString();
  private final Stages stages;

  public TieringJob(SparkSession spark, TieringConfig config, LocalDate asOf) {
    this.spark = spark;
    this.config = config;
    this.asOf = asOf;
    this.stages = new Stages(spark, runId);
  }

  /** What a run produced, for the caller to report: the summary row and the tier rows of tier_summary. */
  public record Result(RunSummary summary, List<Row> tierRows) {}

  /** The input tables, with the transactions validated and reconciled. */
  private record Input(InputTables tables, ValidatedTransactions transactions) {}

  /** Checks configuration and input exactly as {@link #run} does, writing nothing. */
  public ValidatedTransactions validate(String inputDir) {
    new Publication(config.privacy()); // fails now if the pseudonym key is missing
    try {
      return readAndValidate(inputDir).transactions();
    } finally {
      spark.catalog().clearCache();
    }
  }

  public Result run(String inputDir, String warehouse, boolean reuseModel) {
    Instant started = Instant.now();
    Publication publish = new Publication(config.privacy());
    try {
      Input read = readAndValidate(inputDir);
      ValidatedTransactions input = read.transactions();
      Lake lake = Lake.open(spark, config.lake(), warehouse);
      Dataset<Row> features = stages.run("features", "customer features as of " + asOf,
          () -> cached(new CreditFeatures(asOf, config.windowDays()).apply(
              new CustomerFeatures(asOf, config.windowDays(), input.hasCost()).apply(input.accepted()),
              read.tables().invoices())),
          f -> f.count() + " customers");
      Dataset<Row> histories = cached(new PurchaseHistory(asOf).apply(input.accepted()));
      LifetimeValue lifetime = new LifetimeValue(config.lifetimeValue());
      // Used only by model = auto: the last holdout-days of history as a holdout.
      Backtest.Split holdout = Backtest.Split.of(input.accepted(),
          asOf.minusDays(config.lifetimeValue().choice().holdoutDays()), asOf);
      LifetimeValue.Fitted lifetimeFit = stages.run("lifetime", "purchase model and Gamma-Gamma lifetime value",
          () -> lifetime.fit(histories, holdout), LifetimeValue.Fitted::toString);
      Dataset<Row> valued = lifetime.apply(features, histories, lifetimeFit);
      Dataset<Row> graded = stages.run("grades", "RFM, ABC, credit, composite score, lifecycle, value-potential",
          () -> cached(Grading.apply(valued, config, input.hasCost())),
          g -> g.count() + " customers graded");
      ValueSegmentation segmentation = new ValueSegmentation(config.segmentation());
      ValueSegmentation.Fitted fitted = stages.run("segments", "k-means value segmentation",
          () -> fitOrReuse(segmentation, lake, graded, reuseModel),
          f -> "k=" + f.k() + " silhouette=" + String.format("%.3f", f.silhouette()) + " by k " + f.silhouetteByK());
      Dataset<Row> segmented = withCustomerAttributes(segmentation.assign(fitted.model(), graded), read.tables().customers());
      Dataset<Row> tiers = stages.run("stability", "tier stability against the previous snapshot",
          () -> cached(new TierStability(config.stability(), config.scoring())
              .apply(withComputedTier(segmented), lake.previousSnapshot(Tables.CUSTOMER_TIERS, asOf))),
          t -> t.where(col(TIER_CHANGED)).count() + " tiers changed");
      Dataset<Row> tierSummary = TierSummary.of(tiers, METHODS, treatments()).persist(StorageLevel.MEMORY_AND_DISK());
      stages.run("write", "replace snapshot " + asOf + " in the lake", () -> {
        if (!reuseModel) {
          lake.saveModel(fitted.model(), asOf);
        }
        lake.replaceSnapshot(Tables.CUSTOMER_FEATURES, publish.apply(features), asOf);
        lake.replaceSnapshot(Tables.CUSTOMER_TIERS, publish.apply(tiers), asOf);
        lake.replaceSnapshot(Tables.TIER_SUMMARY, tierSummary, asOf);
        lake.replaceSnapshot(Tables.SEGMENT_PROFILES, SegmentProfiles.of(tiers, fitted.k(), fitted.silhouette()), asOf);
        lake.replaceSnapshot(Tables.TIER_MIGRATION, TierStability.migration(tiers), asOf);
        lake.replaceSnapshot(Tables.REJECTED_TRANSACTIONS, publish.apply(input.rejected()), asOf);
        return Tables.ALL.size() - 1;
      }, n -> n + " tables");
      RunSummary summary = new RunSummary(runId, config.hash(), "SUCCEEDED", started, Instant.now(),
          input.rowsRead(), input.rowsAccepted(), input.rowsRejected(), input.rejectedByReason(),
          features.count(), config.primaryMethod(), fitted.k(), fitted.silhouette(), fitted.silhouetteByK(),
          lifetimeFit.parameters(), lifetimeFit.logLikelihoods(), lifetimeFit.status(), stages.seconds(),
          lifetimeFit.holdoutErrors());
      // Written last: a run_summary row for a date says that date's snapshot is complete.
      lake.replaceSnapshot(Tables.RUN_SUMMARY, summary.toFrame(spark), asOf);
      // A handful of rows (one per tier), collected before the cache goes.
      return new Result(summary, TierSummary.forDisplay(tierSummary, "tier").collectAsList());
    } finally {
      spark.catalog().clearCache();
    }
  }

  private Input readAndValidate(String inputDir) {
    InputTables tables = stages.run("read", "read input tables",
        () -> InputTables.read(spark, config.input(), inputDir), t -> "transactions, customers "
            + (t.customers().isPresent() ? "present" : "absent") + ", invoices " + (t.invoices().isPresent() ? "present" : "absent"));
    Sessions.sizeShufflePartitions(spark, config, tables.transactionBytes());
    ValidatedTransactions validated = stages.run("validate", "validate and quarantine transactions", () -> {
      Dataset<Row> raw = tables.transactions();
      Dataset<Row> flagged = TransactionValidation.flag(raw, asOf).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        return ValidatedTransactions.reconcile(flagged, TransactionValidation.hasCost(raw.schema()), raw.count());
      } catch (Exception e) { // Spark throws its checked SparkException undeclared
        throw InputTables.unreadable(InputTables.TRANSACTIONS, e);
      }
    }, v -> String.format("%d rows read, %d accepted, %d rejected %s", v.rowsRead(), v.rowsAccepted(),
        v.rowsRejected(), v.rejectedByReason()));
    validated.checkPublishable(config.quality().maxRejectedShare());
    return new Input(tables, validated);
  }

  private ValueSegmentation.Fitted fitOrReuse(ValueSegmentation segmentation, Lake lake, Dataset<Row> graded,
      boolean reuseModel) {
    if (reuseModel) {
      Optional<PipelineModel> saved = lake.loadLatestModel(asOf);
      if (saved.isPresent()) {
        return new ValueSegmentation.Fitted(saved.get(), ValueSegmentation.clusterCount(saved.get()), Double.NaN, Map.of());
      }
      throw new io.valuetier.TieringException("--reuse-model: no saved segmentation model on or before " + asOf
          + " under " + lake.modelPath(asOf).replaceAll("/[^/]*$", ""));
    }
    TieringConfig.Segmentation c = config.segmentation();
    if (c.k() == 0 && c.keepK()) {
      // The model of an earlier night (never this date's own: a rerun must decide as the first run did).
      Optional<PipelineModel> earlier = lake.loadLatestModel(asOf.minusDays(1));
      if (earlier.isPresent()) {
        return new ValueSegmentation(c.withK(ValueSegmentation.clusterCount(earlier.get()))).fit(graded);
      }
    }
    return segmentation.fit(graded);
  }

  /** Masked contact data and non-personal attributes of the customers table, when there is one. */
  private static Dataset<Row> withCustomerAttributes(Dataset<Row> tiers, Optional<Dataset<Row>> customers) {
    Dataset<Row> publishable = customers.map(Privacy::publishableCustomers)
        .orElseGet(() -> Privacy.publishableCustomers(tiers.select(CUSTOMER_ID).limit(0)));
    return tiers.join(publishable, CUSTOMER_ID, "left");
  }

  private Dataset<Row> withComputedTier(Dataset<Row> graded) {
    return graded.withColumn(COMPUTED_TIER, col(METHODS.get(config.primaryMethod())));
  }

  /** Treatments per method; the "tier" rows take those of the primary method. */
  private Map<String, Map<String, String>> treatments() {
    Map<String, Map<String, String>> t = new LinkedHashMap<>(config.treatments());
    t.put("tier", config.treatments().getOrDefault(config.primaryMethod(), Map.of()));
    return t;
  }

  private static Dataset<Row> cached(Dataset<Row> frame) {
    return frame.persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static Map<String, String> methods() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("segment", SEGMENT);
    m.put("rfm", RFM_SEGMENT);
    m.put("abc", ABC_CLASS);
    m.put("value_grade", VALUE_GRADE);
    m.put("lifecycle", LIFECYCLE_STAGE);
    m.put("value_potential", VALUE_POTENTIAL);
    m.put("tier", TIER);
    return m;
  }
}
