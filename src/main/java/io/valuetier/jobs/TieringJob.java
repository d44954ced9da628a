package io.valuetier.jobs;

import static io.valuetier.schema.Columns.ABC_CLASS;
import static io.valuetier.schema.Columns.COMPUTED_TIER;
import static io.valuetier.schema.Columns.COST_CONTRIBUTION_CLASS;
import static io.valuetier.schema.Columns.PURCHASE_TIMING;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.TIER_CHANGED;
import static io.valuetier.schema.Columns.LIFECYCLE_STAGE;
import static io.valuetier.schema.Columns.VALUE_GRADE;
import static io.valuetier.schema.Columns.VALUE_POTENTIAL;
import static io.valuetier.schema.Columns.RFM_SEGMENT;
import static io.valuetier.schema.Columns.SEGMENT;
import static io.valuetier.schema.Columns.TIER;
import static org.apache.spark.sql.functions.col;

import io.valuetier.Failures;
import io.valuetier.config.TieringConfig;
import io.valuetier.features.CustomerFeatures;
import io.valuetier.features.CostToServe;
import io.valuetier.features.CreditFeatures;
import io.valuetier.grading.Grading;
import io.valuetier.grading.TierStability;
import io.valuetier.io.InputTables;
import io.valuetier.io.Joins;
import io.valuetier.io.Lake;
import io.valuetier.io.Materialized;
import io.valuetier.io.Sessions;
import io.valuetier.lifetime.CustomerNpv;
import io.valuetier.lifetime.Backtest;
import io.valuetier.lifetime.LifetimeValue;
import io.valuetier.lifetime.PurchaseTiming;
import io.valuetier.lifetime.PurchaseHistory;
import io.valuetier.privacy.Privacy;
import io.valuetier.privacy.Publication;
import io.valuetier.quality.TransactionValidation;
import io.valuetier.quality.ValidatedTransactions;
import io.valuetier.schema.Tables;
import io.valuetier.TieringException;
import io.valuetier.schema.Columns;
import io.valuetier.segmentation.SegmentProfiles;
import io.valuetier.segmentation.SegmentationDecision;
import io.valuetier.segmentation.ValueSegmentation;
import io.valuetier.summary.RunSummary;
import io.valuetier.summary.TierSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * One nightly run: read → validate → features → lifetime value → grades → segments → write
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

  private final Function<String, String> environment;

  public TieringJob(SparkSession spark, TieringConfig config, LocalDate asOf) {
    this(spark, config, asOf, System::getenv);
  }

  /** With the environment given (the pseudonym key), so tests need not set real environment variables. */
  public TieringJob(SparkSession spark, TieringConfig config, LocalDate asOf, Function<String, String> environment) {
    this.spark = spark;
    this.config = config;
    this.asOf = asOf;
    this.stages = new Stages(spark, runId);
    this.environment = environment;
  }

  /** A segmentation model and what this date decided about it; {@code stored}: already saved for this date. */
  private record Decided(PipelineModel model, SegmentationDecision decision, boolean stored) {}

  /** What a run produced, for the caller to report: the summary row and the tier rows of tier_summary. */
  public record Result(RunSummary summary, List<Row> tierRows) {}

  /** The input tables, with the transactions validated and reconciled. */
  private record Input(InputTables tables, ValidatedTransactions transactions) {}

  /**
   * Checks configuration and input exactly as {@link #run} does, writing nothing. The rows of the
   * result are not kept: they are computed again from the input when read.
   */
  public ValidatedTransactions validate(String inputDir) {
    new Publication(config.privacy(), environment); // fails now if the pseudonym key is missing
    return readAndValidate(inputDir, false).transactions();
  }

  /**
   * Runs the pipeline and writes the lake. When it fails and a lake is already there, a
   * run_summary row with status FAILED and the cause goes in before the failure is rethrown, so
   * a freshness dashboard sees the failed night.
   */
  public Result run(String inputDir, String warehouse, boolean reuseModel) {
    return run(inputDir, warehouse, reuseModel, false);
  }

  /**
   * {@code reuseModel}: assign with the newest stored model without measuring whether to refit;
   * {@code refit}: ignore this date's stored segmentation decision and fit again.
   */
  public Result run(String inputDir, String warehouse, boolean reuseModel, boolean refit) {
    TieringException.check(!(reuseModel && refit), "--reuse-model and --refit contradict each other; give one of them");
    Instant started = Instant.now();
    // Before any heavy work: a second run on this warehouse fails now, not after reading the input.
    // Only the run holding the lock may record its own failure in the lake.
    try (Lake.RunLock lock = Lake.lock(config.lake(), warehouse, runId, asOf)) {
      try {
        return runStages(inputDir, warehouse, reuseModel, refit, started);
      } catch (Exception e) { // Spark throws its checked SparkException undeclared
        recordFailure(warehouse, started, e);
        throw e;
      }
    }
  }

  private void recordFailure(String warehouse, Instant started, Exception cause) {
    if (!Lake.exists(config.lake(), warehouse)) {
      return; // never create a lake only to say that a run failed
    }
    try {
      Lake.open(spark, config, warehouse).append(Tables.RUN_SUMMARY,
          RunSummary.failed(runId, config.hash(), started, config.primaryMethod(), stages.seconds())
              .toFrame(spark, Failures.describe(cause)), asOf);
    } catch (Exception e) { // the lake itself may be what failed: the run's own cause is the one to report
      cause.addSuppressed(e);
    }
  }

  private Result runStages(String inputDir, String warehouse, boolean reuseModel, boolean refit, Instant started) {
    Publication publish = new Publication(config.privacy(), environment);
    try (Materialized.Scope kept = Materialized.scope(spark)) {
      Input read = readAndValidate(inputDir, true);
      ValidatedTransactions input = read.transactions();
      Lake lake = Lake.open(spark, config, warehouse);
      Dataset<Row> features = stages.run("features", "customer features as of " + asOf,
          () -> Materialized.of(new CostToServe(asOf, config.windowDays(), config.costToServe()).apply(
              new CreditFeatures(asOf, config.windowDays()).apply(
                  new CustomerFeatures(asOf, config.windowDays(), input.hasCost()).apply(input.accepted()),
                  read.tables().invoices()),
              read.tables().serviceCosts(), read.tables().invoices())),
          f -> f.count() + " customers");
      LifetimeValue lifetime = new LifetimeValue(config.lifetimeValue());
      // Used only by model = auto: the last holdout-days of history as a holdout.
      Backtest.Split holdout = Backtest.Split.of(input.accepted(),
          asOf.minusDays(config.lifetimeValue().choice().holdoutDays()), asOf);
      Dataset<Row> histories = stages.run("histories", "purchase days per customer up to " + asOf,
          () -> Materialized.of(new PurchaseHistory(asOf).apply(input.accepted())), h -> h.count() + " customers");
      LifetimeValue.Fitted lifetimeFit = stages.run("lifetime", "purchase model and Gamma-Gamma lifetime value",
          () -> lifetime.fit(histories, holdout), LifetimeValue.Fitted::toString);
      // Features, histories and the fit hold all the rest of the run needs of the transactions.
      input.releaseFlagged();
      // From here on every step works on customer rows, a small fraction of the transaction lines.
      long customers = features.count();
      Sessions.sizeForCustomers(spark, config, customers);
      Dataset<Row> valued = new PurchaseTiming(config.purchaseTiming()).apply(
          new CustomerNpv(config.lifetimeValue().npv()).apply(lifetime.apply(features, histories, lifetimeFit),
              read.tables().customers()),
          lifetimeFit.purchaseModel().map(PurchaseTiming.Model::of));
      Dataset<Row> graded = stages.run("grades", "RFM, ABC, credit, composite score, lifecycle, value-potential",
          () -> Materialized.step(() -> Grading.apply(valued, config, input.hasCost())),
          g -> g.count() + " customers graded");
      // The graded rows hold what the rest of the run needs of the purchase histories.
      Materialized.release(histories);
      ValueSegmentation segmentation = new ValueSegmentation(config.segmentation());
      Decided decided = stages.run("segments", "k-means value segmentation",
          () -> fitOrReuse(segmentation, lake, graded, reuseModel, refit),
          d -> String.format("%s (%s) model of %s, k=%d, drift %s", d.decision().decision(), d.decision().reason(),
              d.decision().modelDate(), d.decision().k(), d.decision().drift()));
      SegmentationDecision decision = decided.decision();
      Dataset<Row> segmented = withCustomerAttributes(
          segmentation.assign(decided.model(), decision.labels(), graded), read.tables().customers());
      Optional<Dataset<Row>> previous = decision.previousSnapshotDate()
          .flatMap(d -> lake.snapshot(Tables.CUSTOMER_TIERS, d));
      List<String> ranked = TierStability.rankedTiers(config.primaryMethod(), config, decision.namesInSegmentOrder());
      // Tonight's rows take their published ids before the join: the previous snapshot holds
      // published ids, so with pseudonyms on both sides are compared as pseudonyms.
      Dataset<Row> tiers = stages.run("stability", "tier stability against the snapshot of "
              + decision.previousSnapshotDate().map(LocalDate::toString).orElse("(none)"),
          () -> Materialized.of(new TierStability(config.stability(), config.scoring(), ranked)
              .apply(publish.apply(withComputedTier(segmented)), previous)),
          t -> t.where(col(TIER_CHANGED)).count() + " tiers changed");
      // Tonight's tiers hold the graded rows, segments and all: the one wide copy kept to the end.
      Materialized.release(graded);
      Dataset<Row> tierSummary = TierSummary.of(tiers, METHODS, treatments()).persist(StorageLevel.MEMORY_AND_DISK());
      String valueColumn = "profit".equals(config.segmentation().rankBy()) ? Columns.PROFIT : Columns.MONETARY;
      stages.run("write", "replace snapshot " + asOf + " in the lake", () -> {
        Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        tables.put(Tables.CUSTOMER_FEATURES, publish.apply(features));
        tables.put(Tables.CUSTOMER_TIERS, tiers);
        tables.put(Tables.TIER_SUMMARY, tierSummary);
        tables.put(Tables.SEGMENT_PROFILES, SegmentProfiles.of(tiers, decision, valueColumn));
        tables.put(Tables.TIER_MIGRATION, TierStability.migration(tiers));
        tables.put(Tables.TIER_CHANGES, TierStability.changes(tiers, previous));
        tables.put(Tables.REJECTED_TRANSACTIONS, publish.apply(input.rejected()));
        lake.replaceSnapshots(tables, asOf, () -> {
          if (!decided.stored()) {
            lake.saveModel(decided.model(), asOf);
            lake.saveDecision(decision.toJson(), asOf);
          }
        });
        return tables.size();
      }, n -> n + " tables");
      RunSummary summary = new RunSummary(runId, config.hash(), "SUCCEEDED", started, Instant.now(),
          input.rowsRead(), input.rowsAccepted(), input.rowsRejected(), input.rejectedByReason(),
          customers, config.primaryMethod(), decision.k(), decision.silhouette(), decision.silhouetteByK(),
          lifetimeFit.parameters(), lifetimeFit.logLikelihoods(), lifetimeFit.status(), stages.seconds(),
          decision.decision() + ": " + decision.reason(), decision.modelDate(), decision.drift(),
          decision.previousSnapshotDate().orElse(null), input.schemaDrift(), config.scoring().summary(),
          lifetimeFit.holdoutErrors());
      // Written last: a run_summary row for a date says that date's snapshot is complete.
      lake.replaceSnapshot(Tables.RUN_SUMMARY, summary.toFrame(spark), asOf);
      // A handful of rows (one per tier), collected before the cache goes.
      return new Result(summary, TierSummary.forDisplay(tierSummary, "tier").collectAsList());
    }
  }

  /** {@code keep}: keep the flagged and rejected rows for the stages after validation. */
  private Input readAndValidate(String inputDir, boolean keep) {
    InputTables tables = stages.run("read", "read input tables",
        () -> InputTables.read(spark, config.input(), inputDir), t -> "transactions, customers "
            + (t.customers().isPresent() ? "present" : "absent") + ", invoices " + (t.invoices().isPresent() ? "present" : "absent"));
    Sessions.sizeForInput(spark, config, tables.transactionBytes());
    ValidatedTransactions validated = stages.run("validate", "validate and quarantine transactions", () -> {
      Dataset<Row> raw = tables.transactions();
      Dataset<Row> flagged = TransactionValidation.flag(raw, asOf, TransactionValidation.Rules.of(config.input()));
      boolean hasCost = TransactionValidation.hasCost(raw.schema());
      try {
        return (keep ? ValidatedTransactions.reconcile(flagged.persist(StorageLevel.MEMORY_AND_DISK()), hasCost, raw.count())
            : ValidatedTransactions.counted(flagged, hasCost, raw.count())).withSchemaDrift(tables.schemaDrift());
      } catch (Exception e) { // Spark throws its checked SparkException undeclared
        throw InputTables.unreadable(InputTables.TRANSACTIONS, e);
      }
    }, v -> String.format("%d rows read, %d accepted, %d rejected %s", v.rowsRead(), v.rowsAccepted(),
        v.rowsRejected(), v.rejectedByReason()));
    validated.checkPublishable(config.quality().maxRejectedShare());
    return new Input(tables, validated);
  }

  /**
   * What segments tonight's customers fall in, decided once per date and stored with it:
   * <ol>
   *   <li>this date already decided (a rerun): exactly that decision again, whatever ran since;
   *   <li>an earlier date decided: its model, unless tonight's customers drifted from it past
   *       refit.max-drift or it is older than refit.max-age-days; then a refit with its k, whose
   *       centroids are matched to its segments so names carry over;
   *   <li>only later dates decided (a backfill): a fit with the k and segments of the next later
   *       decision, which stays as it is;
   *   <li>nothing decided: a fit choosing k, named from the segments' profiles.
   * </ol>
   * {@code refit} skips step 1 and refits in step 2; {@code reuseModel} takes the newest earlier
   * decision's model without measuring.
   */
  private Decided fitOrReuse(ValueSegmentation segmentation, Lake lake, Dataset<Row> graded, boolean reuseModel,
      boolean refit) {
    if (!refit) {
      Optional<String> own = lake.decision(asOf);
      if (own.isPresent()) {
        return new Decided(lake.loadModel(asOf), SegmentationDecision.fromJson(own.get(), lake.modelPath(asOf)), true);
      }
    }
    Optional<LocalDate> previous = lake.previousSnapshotDate(Tables.CUSTOMER_TIERS, asOf);
    List<LocalDate> dates = lake.decisionDates();
    Optional<LocalDate> earlier = dates.stream().filter(d -> d.isBefore(asOf)).reduce((a, b) -> b);
    if (reuseModel && earlier.isEmpty()) {
      throw new TieringException("--reuse-model: no segmentation model stored before " + asOf + " under "
          + lake.modelPath(asOf).replaceAll("/[^/]*$", ""));
    }
    if (earlier.isPresent()) {
      LocalDate date = earlier.get();
      SegmentationDecision before = SegmentationDecision.fromJson(lake.decision(date).orElseThrow(), lake.modelPath(date));
      PipelineModel model = lake.loadModel(date);
      double drift = ValueSegmentation.drift(model, graded);
      long age = ChronoUnit.DAYS.between(before.modelDate(), asOf);
      TieringConfig.Refit limits = config.segmentation().refit();
      String measured = String.format(Locale.ROOT, "drift %.4f (max %s), model age %d days (max %d)", drift,
          limits.maxDrift(), age, limits.maxAgeDays());
      if (reuseModel) {
        return new Decided(model, before.reusedOn(asOf, "--reuse-model; " + measured, drift, previous), false);
      }
      String why = refit ? "--refit" : drift > limits.maxDrift() ? "drift above max" : age > limits.maxAgeDays()
          ? "model older than max-age-days" : null;
      if (why == null) {
        return new Decided(model, before.reusedOn(asOf, measured, drift, previous), false);
      }
      return refitted(segmentation, graded, model, before, date, SegmentationDecision.REFITTED, why + "; " + measured,
          drift, previous);
    }
    Optional<LocalDate> later = dates.stream().filter(d -> d.isAfter(asOf)).findFirst();
    if (later.isPresent()) {
      LocalDate date = later.get();
      SegmentationDecision after = SegmentationDecision.fromJson(lake.decision(date).orElseThrow(), lake.modelPath(date));
      return refitted(segmentation, graded, lake.loadModel(date), after, date, SegmentationDecision.FITTED,
          "backfill before the decision of " + date + ": its k and segments", null, previous);
    }
    ValueSegmentation.Fitted fitted = segmentation.fit(graded);
    return new Decided(fitted.model(), new SegmentationDecision(asOf, fitted.k(), asOf, SegmentationDecision.FITTED,
        config.segmentation().k() > 0 ? "first decision, k fixed" : "first decision, k by silhouette", null, previous,
        fitted.silhouette(), fitted.silhouetteByK(), segmentation.label(fitted.model(), graded)), false);
  }

  /**
   * A fresh fit that keeps the reference decision's k (unless k is fixed in the configuration, or
   * keep-k is off) and carries its segment ids and names over to the matched new centroids.
   */
  private Decided refitted(ValueSegmentation segmentation, Dataset<Row> graded, PipelineModel referenceModel,
      SegmentationDecision reference, LocalDate referenceDate, String decision, String why, Double drift,
      Optional<LocalDate> previous) {
    TieringConfig.Segmentation c = config.segmentation();
    ValueSegmentation.Fitted fitted = c.k() == 0 && c.keepK()
        ? new ValueSegmentation(c.withK(reference.k())).fit(graded)
        : segmentation.fit(graded);
    List<SegmentationDecision.Label> labels = fitted.k() == reference.k()
        ? ValueSegmentation.carryOver(referenceModel, reference.labels(), fitted.model(), referenceDate)
        : segmentation.label(fitted.model(), graded);
    return new Decided(fitted.model(), new SegmentationDecision(asOf, fitted.k(), asOf, decision, why, drift, previous,
        fitted.silhouette(), fitted.silhouetteByK(), labels), false);
  }

  /** Masked contact data and non-personal attributes of the customers table, when there is one. */
  private static Dataset<Row> withCustomerAttributes(Dataset<Row> tiers, Optional<Dataset<Row>> customers) {
    Dataset<Row> publishable = customers.map(Privacy::publishableCustomers)
        .orElseGet(() -> Privacy.publishableCustomers(tiers.select(CUSTOMER_ID).limit(0)));
    return Joins.withNarrow(tiers, publishable, "left");
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

  private static Map<String, String> methods() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("segment", SEGMENT);
    m.put("rfm", RFM_SEGMENT);
    m.put("abc", ABC_CLASS);
    m.put("value_grade", VALUE_GRADE);
    m.put("lifecycle", LIFECYCLE_STAGE);
    m.put("value_potential", VALUE_POTENTIAL);
    m.put("cost_contribution", COST_CONTRIBUTION_CLASS);
    m.put("purchase_timing", PURCHASE_TIMING);
    m.put("tier", TIER);
    return m;
  }
}
