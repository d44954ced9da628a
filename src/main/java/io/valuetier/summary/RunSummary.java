package io.valuetier.summary;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code run_summary} table: one row per run with counts, reconciliation, model quality
 * (k-means, lifetime value) and stage times.
 */
public record RunSummary(
    String runId,
    String configHash,
    String status,
    Instant startedAt,
    Instant finishedAt,
    long rowsRead,
    long rowsAccepted,
    long rowsRejected,
    Map<String, Long> rejectedByReason,
    long customers,
    String primaryMethod,
    int k,
    double silhouette,
    Map<Integer, Double> silhouetteByK,
    Map<String, Double> lifetimeParameters,
    Map<String, Double> lifetimeLogLikelihood,
    Map<String, String> lifetimeStatus,
    Map<String, Double> stageSeconds,
    String segmentationDecision,
    java.time.LocalDate segmentationModelDate,
    Double drift,
    java.time.LocalDate previousSnapshotDate,
    Map<String, String> inputSchemaDrift,
    Map<String, Double> scoringWeights,
    Map<String, Double> lifetimeHoldoutError) {

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("config_hash", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_accepted", DataTypes.LongType, false)
      .add("rows_rejected", DataTypes.LongType, false)
      .add("rejected_by_reason", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
      .add("customers", DataTypes.LongType, false)
      .add("primary_method", DataTypes.StringType, false)
      .add("k", DataTypes.IntegerType, false)
      .add("silhouette", DataTypes.DoubleType, false)
      .add("silhouette_by_k", DataTypes.createMapType(DataTypes.IntegerType, DataTypes.DoubleType), false)
      // Lifetime value (docs/methods.md, "Lifetime value"): "bgnbd.r", "gamma_gamma.p", ... → fitted value; model → log-likelihood
      // and → how its optimizer ended ("converged after n iterations: ..." or why it was not fitted).
      .add("lifetime_parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add("lifetime_log_likelihood", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add("lifetime_status", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("stage_seconds", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      // What the segmentation decided (fitted / reused / refitted, and why), the date of the model
      // it used, the drift measured against the earlier model (null when none), and the previous
      // snapshot tier stability compared with (null on a first run).
      .add("segmentation_decision", DataTypes.StringType, true)
      .add("segmentation_model_date", DataTypes.DateType, true)
      .add("drift", DataTypes.DoubleType, true)
      .add("previous_snapshot_date", DataTypes.DateType, true)
      // Input files read with a reconciled schema (tiering.input.schema-drift): "transactions/part-0.parquet"
      // → "missing cost" (those columns are null in that file's rows). Empty when all files agree.
      .add("input_schema_drift", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      // Composite-score weights: "weight.<indicator>" (global), "dimension.<name>" (two-level AHP)
      // and "cr.<matrix path>" (each AHP matrix's consistency ratio).
      .add("scoring_weights", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      // model = auto: purchase model → its RMSE per customer on the holdout (empty otherwise); the
      // choice is lifetime_status["model"], the check of p_alive lifetime_status["p_alive"].
      .add("lifetime_holdout_error", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      // Why a FAILED run failed (its one-line error); null for a run that succeeded.
      .add("error", DataTypes.StringType, true);

  /** Status of a run that wrote every table; a run that did not is FAILED. */
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  /** The row of a run that failed: what is known at the failure, counts left at zero. */
  public static RunSummary failed(String runId, String configHash, Instant startedAt, String primaryMethod,
      Map<String, Double> stageSeconds) {
    return new RunSummary(runId, configHash, FAILED, startedAt, Instant.now(), 0, 0, 0, Map.of(), 0, primaryMethod,
        0, Double.NaN, Map.of(), Map.of(), Map.of(), Map.of(), stageSeconds, null, null, null, null, Map.of(), Map.of(), Map.of());
  }

  public Dataset<Row> toFrame(SparkSession spark) {
    return toFrame(spark, null);
  }

  /** The row with the cause of a failure in {@code error}. */
  public Dataset<Row> toFrame(SparkSession spark, String error) {
    Row row = RowFactory.create(runId, configHash, status, Timestamp.from(startedAt), Timestamp.from(finishedAt),
        rowsRead, rowsAccepted, rowsRejected, rejectedByReason, customers, primaryMethod, k, silhouette,
        silhouetteByK, lifetimeParameters, lifetimeLogLikelihood, lifetimeStatus, stageSeconds, segmentationDecision,
        segmentationModelDate == null ? null : java.sql.Date.valueOf(segmentationModelDate), drift,
        previousSnapshotDate == null ? null : java.sql.Date.valueOf(previousSnapshotDate),
        inputSchemaDrift, scoringWeights, lifetimeHoldoutError, error);
    return spark.createDataFrame(List.of(row), SCHEMA);
  }
}
